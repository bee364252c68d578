#!/usr/bin/env bash
# Puts the platform's secrets in its Key Vault, where the app settings reference them
# (infra/modules/functionapp.bicep). Run by `azd provision`/`azd up` after provisioning, and by
# hand after `az deployment sub create` or to rotate the SendGrid key. Safe to run again:
#   admin-api-key, registrations-signing-key, forfaits-signing-key, newsletter-signing-key,
#   newsletter-address-hash-key                generated once if missing, never replaced
#                                              (a new signing key voids every link already sent)
#   sendgrid-api-key                           from $SENDGRID_API_KEY, else asked when missing
#   sendgrid-webhook-public-key                from $SENDGRID_WEBHOOK_PUBLIC_KEY, else asked when
#                                              missing (Enter to skip until the webhook exists)
# Values go through a private temporary file, never on a command line. Needs the Azure CLI signed
# in as someone holding Key Vault Secrets Officer on the vault (main.bicep grants it to principalId).
set -euo pipefail

vault=${AZURE_KEY_VAULT_NAME:?Set AZURE_KEY_VAULT_NAME (an output of infra/main.bicep; azd sets it).}
app=${AZURE_FUNCTION_APP_NAME:-}
group=${AZURE_RESOURCE_GROUP:-}

command -v az >/dev/null || { echo "The Azure CLI (az) is required." >&2; exit 1; }
command -v openssl >/dev/null || { echo "openssl is required to generate keys." >&2; exit 1; }

# The role assignment made by the deployment can take a few minutes to reach Key Vault: retry the
# listing rather than mistake "forbidden" for "missing" (which would replace a signing key).
existing=""
for attempt in $(seq 1 20); do
  if existing=$(az keyvault secret list --vault-name "$vault" --query "[].name" --output tsv 2>/dev/null); then
    break
  fi
  [ "$attempt" -eq 20 ] && { echo "Cannot list the secrets of $vault: is the Key Vault Secrets Officer role assigned to you?" >&2; exit 1; }
  echo "Waiting for access to $vault ($attempt/20)..."
  sleep 15
done

has() { grep -qx "$1" <<<"$existing"; }

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
chmod 600 "$tmp"
changed=0

put() {
  printf '%s' "$2" >"$tmp"
  az keyvault secret set --vault-name "$vault" --name "$1" --file "$tmp" --encoding utf-8 --output none
  : >"$tmp"
  changed=1
  echo "Set $1."
}

generated() {
  if has "$1"; then
    echo "Kept $1."
  else
    put "$1" "$(openssl rand -base64 48 | tr -d '\n')"
  fi
}

provided() {
  local name=$1 variable=$2 prompt=$3 value=${!2:-}
  if [ -n "$value" ]; then
    put "$name" "$value"
  elif has "$name"; then
    echo "Kept $name."
  elif [ -t 0 ]; then
    read -r -s -p "$prompt (Enter to skip): " value
    echo
    if [ -n "$value" ]; then put "$name" "$value"; else echo "Skipped $name: set it later (README.md, Deploy to Azure)."; fi
  else
    echo "Missing $name: run again with $variable set (README.md, Deploy to Azure)." >&2
  fi
}

generated admin-api-key
generated registrations-signing-key
generated forfaits-signing-key
generated newsletter-signing-key
generated newsletter-address-hash-key
provided sendgrid-api-key SENDGRID_API_KEY "SendGrid API key (Mail Send permission)"
provided sendgrid-webhook-public-key SENDGRID_WEBHOOK_PUBLIC_KEY "SendGrid signed Event Webhook public key"

# Key Vault references are resolved when the app starts: restart it so it reads new values.
if [ "$changed" -eq 1 ] && [ -n "$app" ] && [ -n "$group" ]; then
  az functionapp restart --name "$app" --resource-group "$group" --output none && echo "Restarted $app."
fi
echo "The staff key: az keyvault secret show --vault-name $vault --name admin-api-key --query value --output tsv"
