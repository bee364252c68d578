// Parameters for main.bicep. azd fills the environment variables (AZURE_ENV_NAME, AZURE_LOCATION,
// AZURE_PRINCIPAL_ID, and the ones set with `azd env set`); with the Azure CLI, export them before
// `az deployment sub create` (README.md, Deploy to Azure). The four without a default must be set: compiling
// fails naming the missing one. No secret belongs here: secrets go to Key Vault.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'cnrms')
param location = readEnvironmentVariable('AZURE_LOCATION', 'francecentral')
param staffEmail = readEnvironmentVariable('CNRMS_STAFF_EMAIL')
param emailFromAddress = readEnvironmentVariable('CNRMS_EMAIL_FROM_ADDRESS')
param emailFromName = readEnvironmentVariable('CNRMS_EMAIL_FROM_NAME', 'CNRMS')
param postalAddress = readEnvironmentVariable('CNRMS_POSTAL_ADDRESS')
param forfaitRemindersStartDate = readEnvironmentVariable('CNRMS_FORFAIT_REMINDERS_START_DATE')
param publicBaseUrl = readEnvironmentVariable('CNRMS_PUBLIC_BASE_URL', '')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')
