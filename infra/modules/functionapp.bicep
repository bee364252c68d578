// The Function App on the Flex Consumption plan: .NET 10 isolated worker, code from a blob
// container read with the user-assigned identity, every setting in one place below.
// Flex Consumption rejects or ignores the settings of the older plans (runtime, version, content
// share, run-from-package, scale-out, time zone, FTPS state, Linux stack string...): the runtime is
// functionAppConfig.runtime, the scale is functionAppConfig.scaleAndConcurrency, and none of those
// settings appears here (tests/Infra.Tests checks the compiled template).

@description('Name of the Function App (also its default host name).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Region of the plan and the app.')
param location string

@description('Tags applied to the plan; the app gets them plus azd-service-name.')
param tags object

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Name of the storage account (host storage and the app\'s tables, queues and blobs).')
param storageAccountName string

@description('Blob endpoint of the storage account.')
param blobServiceUri string

@description('Queue endpoint of the storage account.')
param queueServiceUri string

@description('Table endpoint of the storage account.')
param tableServiceUri string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUri string

@description('Key Vault URI (ends with a slash).')
param keyVaultUri string

@description('Application Insights connection string (an ingestion address and a resource id, not a secret: local authentication is disabled).')
param appInsightsConnectionString string

@description('Public base URL of the platform; empty for the app\'s own https://<name>.azurewebsites.net address.')
param publicBaseUrl string

@description('Sender address of every e-mail (a domain authenticated in SendGrid).')
param emailFromAddress string

@description('Sender name of every e-mail.')
param emailFromName string

@description('Upper bound of instances Flex Consumption may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('First day (yyyy-MM-dd) forfait reminders may be sent: every reminder due before it is recorded as skipped, so a first deployment does not send a backlog. Set once; never move it back.')
param forfaitRemindersStartDate string

@description('Address receiving the staff alerts of the app (no newsletter issue ready at send time).')
param staffEmail string

@description('Postal address of the association, in the footer of every newsletter.')
param postalAddress string

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

// Key Vault secret names; scripts/init-secrets.sh writes the same names.
var secretNames = {
  adminApiKey: 'admin-api-key'
  registrationsSigningKey: 'registrations-signing-key'
  sendGridApiKey: 'sendgrid-api-key'
  sendGridWebhookPublicKey: 'sendgrid-webhook-public-key'
  forfaitsSigningKey: 'forfaits-signing-key'
  newsletterSigningKey: 'newsletter-signing-key'
  newsletterAddressHashKey: 'newsletter-address-hash-key'
}

// No version in the reference: the app gets the latest version of the secret when it restarts.
func keyVaultReference(vaultUri string, secretName string) string =>
  '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName})'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    publicNetworkAccess: 'Enabled'
    // Key Vault references in the app settings resolve as the user-assigned identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUri
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

// This resource replaces every app setting at each deployment: change settings here (or in the
// parameters), not by hand in the portal, or the next `azd provision` undoes the change.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: {
    // The Functions host's own storage (triggers, timers, leases, keys) through the identity.
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // The same identity and account for the app's own clients (src/Core/Storage).
    AzureWebJobsStorage__blobServiceUri: blobServiceUri
    AzureWebJobsStorage__queueServiceUri: queueServiceUri
    AzureWebJobsStorage__tableServiceUri: tableServiceUri
    // Telemetry, authenticated with the identity (the component refuses keys).
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The platform serves its own home page at "/".
    AzureWebJobsDisableHomepage: 'true'
    App__PublicBaseUrl: empty(publicBaseUrl) ? 'https://${site.properties.defaultHostName}' : publicBaseUrl
    Admin__ApiKey: keyVaultReference(keyVaultUri, secretNames.adminApiKey)
    Registrations__SigningKey: keyVaultReference(keyVaultUri, secretNames.registrationsSigningKey)
    SendGrid__ApiKey: keyVaultReference(keyVaultUri, secretNames.sendGridApiKey)
    SendGrid__WebhookPublicKey: keyVaultReference(keyVaultUri, secretNames.sendGridWebhookPublicKey)
    Email__FromAddress: emailFromAddress
    Email__FromName: emailFromName
    Forfaits__SigningKey: keyVaultReference(keyVaultUri, secretNames.forfaitsSigningKey)
    Forfaits__RemindersStartDate: forfaitRemindersStartDate
    Newsletter__SigningKey: keyVaultReference(keyVaultUri, secretNames.newsletterSigningKey)
    // Never change this key: the suppression list of unsubscribed and bounced addresses is keyed by it.
    Newsletter__AddressHashKey: keyVaultReference(keyVaultUri, secretNames.newsletterAddressHashKey)
    Newsletter__StaffAlertAddress: staffEmail
    Newsletter__PostalAddress: postalAddress
    Newsletter__AssociationName: 'CNRMS — Coordination nationale des réseaux de microstructures'
    // First Tuesday of the month at 09:00 in Paris (the app decides in Europe/Paris time).
    Newsletter__SendDay: 'FirstTuesday'
    // The fictional sample tree is for ./run.sh and demos only.
    ReferenceData__SeedSampleTree: 'false'
  }
}

// No FTP and no basic-auth deployment: code goes in through Entra ID (azd, az functionapp deploy).
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output uri string = 'https://${site.properties.defaultHostName}'
