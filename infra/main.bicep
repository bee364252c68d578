// CNRMS Microstructures platform in Azure: a Function App on Flex Consumption (.NET 10 isolated
// worker), its storage account, Key Vault, Application Insights and alerts, all in one resource
// group in France Central, reached through one user-assigned managed identity and no keys.
// `azd up` provisions and deploys it (azure.yaml); README.md (Deploy to Azure) says how, and what it costs.
targetScope = 'subscription'

@description('Name of the environment (azd\'s AZURE_ENV_NAME): the resource group is rg-<name>, resource names derive from it.')
@minLength(1)
@maxLength(20)
param environmentName string

// Health-related data stays in France (HDS): France Central is the only region offered on purpose.
@description('Region of every resource.')
@allowed([
  'francecentral'
])
param location string

@description('E-mail address of the CNRMS staff that receives the alerts.')
param staffEmail string

@description('Sender address of every e-mail; its domain must be authenticated in SendGrid (SPF/DKIM).')
param emailFromAddress string

@description('Sender name of every e-mail.')
param emailFromName string = 'CNRMS'

@description('Postal address of the association, printed in the footer of every newsletter (a legal requirement of commercial e-mail in France, kept for the newsletter too).')
param postalAddress string

@description('First day (yyyy-MM-dd) forfait reminders may be sent; reminders due earlier are recorded as skipped, so a first deployment sends no backlog. Set it once, to the day of the first deployment.')
param forfaitRemindersStartDate string

@description('Public base URL of the platform (a custom domain); empty for https://<app>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('Upper bound of Function App instances (caps the cost of a burst).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each Function App instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Daily ingestion cap of the Log Analytics workspace in GB.')
@minValue(1)
param logDailyQuotaGb int = 1

// Two locations, and the alert fires when both fail: each probe is billed, so two is the cheapest
// setting that still tells the app's failure from one probe location's network trouble.
@description('Application Insights availability test locations probing /api/health (France Central and West Europe by default).')
@minLength(2)
param availabilityTestLocations array = [
  'emea-fr-pra-edge'
  'emea-nl-ams-azr'
]

@description('Object id of the person or pipeline deploying (azd\'s AZURE_PRINCIPAL_ID), given Key Vault Secrets Officer; empty for none.')
param principalId string = ''

@description('Kind of principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'cnrms-microstructures'
}
var functionAppName = 'func-${environmentName}-${resourceToken}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: rg
  name: 'identity'
  params: {
    name: 'id-${environmentName}-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  scope: rg
  name: 'storage'
  params: {
    name: 'st${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: 'deployment-package'
    identityPrincipalId: identity.outputs.principalId
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: rg
  name: 'keyvault'
  params: {
    name: 'kv-${resourceToken}'
    location: location
    tags: tags
    identityPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  name: 'monitoring'
  params: {
    workspaceName: 'log-${environmentName}-${resourceToken}'
    appInsightsName: 'appi-${environmentName}-${resourceToken}'
    location: location
    tags: tags
    dailyQuotaGb: logDailyQuotaGb
    identityPrincipalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  scope: rg
  name: 'functionapp'
  params: {
    name: functionAppName
    planName: 'plan-${environmentName}-${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    blobServiceUri: storage.outputs.blobServiceUri
    queueServiceUri: storage.outputs.queueServiceUri
    tableServiceUri: storage.outputs.tableServiceUri
    deploymentContainerUri: storage.outputs.deploymentContainerUri
    keyVaultUri: keyVault.outputs.uri
    appInsightsConnectionString: monitoring.outputs.connectionString
    publicBaseUrl: publicBaseUrl
    emailFromAddress: emailFromAddress
    emailFromName: emailFromName
    staffEmail: staffEmail
    postalAddress: postalAddress
    forfaitRemindersStartDate: forfaitRemindersStartDate
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module alerts 'modules/alerts.bicep' = {
  scope: rg
  name: 'alerts'
  params: {
    location: location
    tags: tags
    namePrefix: 'alert-${environmentName}'
    staffEmail: staffEmail
    appInsightsId: monitoring.outputs.appInsightsId
    appUrl: functionApp.outputs.uri
    availabilityTestLocations: availabilityTestLocations
  }
}

// azd exposes these to hooks and `azd env get-values`.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
@description('The app\'s own URL (https://<app>.azurewebsites.net).')
output SERVICE_API_URI string = functionApp.outputs.uri
@description('Base of every link the platform sends: publicBaseUrl, or the app\'s own URL.')
output APP_PUBLIC_BASE_URL string = empty(publicBaseUrl) ? functionApp.outputs.uri : publicBaseUrl
