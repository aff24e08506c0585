// Licensing backend: one deployment from an empty subscription (azd up, or az deployment sub create).
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Environment name (azd: AZURE_ENV_NAME); used to name the resource group and derive resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource (Flex Consumption must be available there).')
param location string

@secure()
@minLength(32)
@description('Bearer secret for the admin endpoints. Stored only in Key Vault; the app reads it through a Key Vault reference.')
param adminKey string

@description('Object id of the deploying user or pipeline, granted Key Vault Crypto Officer to rotate the signing key (optional).')
param principalId string = ''

@description('The dashboard\'s base URL (https://…/) when it has a custom domain; empty: the Static Web App this template makes. Sign-up and sign-in e-mails link to its signin?token=… page.')
param dashboardUrl string = ''

@description('Region of the dashboard\'s Static Web App (Free tier; offered in westus2, centralus, eastus2, westeurope, eastasia).')
@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
param dashboardLocation string = 'westeurope'

@description('Local part of the e-mail sender address on the Azure-managed domain.')
param senderUsername string = 'licenses'

@description('Maximum Flex Consumption instances.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@minLength(3)
@description('The founder\'s e-mail address: alerts on poison messages and e-mails given up go there (docs/observability.md).')
param alertEmail string

@description('Share of traces sent to Application Insights, 0-1 (e.g. 0.25); metrics and logs are not sampled.')
param telemetrySamplingRatio string = '1.0'

var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'licensing-resources'
  scope: rg
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    adminKey: adminKey
    principalId: principalId
    senderUsername: senderUsername
    dashboardUrl: dashboardUrl
    dashboardLocation: dashboardLocation
    maximumInstanceCount: maximumInstanceCount
    alertEmail: alertEmail
    telemetrySamplingRatio: telemetrySamplingRatio
  }
}

output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = resources.outputs.functionAppName
output LICENSING_API_BASE_URL string = resources.outputs.apiBaseUrl
output LICENSING_DASHBOARD_URL string = resources.outputs.dashboardUrl
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
output EMAIL_SENDER string = resources.outputs.emailSender
