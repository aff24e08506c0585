// Every resource of the licensing backend, least privilege: one user-assigned identity, only the roles it uses,
// no shared keys, no connection strings and no secrets in app settings.
param environmentName string
param location string
param tags object
@secure()
param adminKey string
param principalId string
param senderUsername string
@description('The dashboard\'s own address when it is not the Static Web App below (a custom domain); empty: the Static Web App.')
param dashboardUrl string
@description('Region of the dashboard\'s Static Web App (a global CDN; the resource itself lives in one of a few regions).')
param dashboardLocation string
param maximumInstanceCount int
@description('The founder\'s e-mail address, which the alerts (poison messages, e-mails given up) are sent to.')
param alertEmail string
@description('Share of traces (requests, dependencies) sent to Application Insights, 0-1; metrics and logs are not sampled.')
param telemetrySamplingRatio string

var token = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName))
var storageName = take('stlic${token}', 24)
var deploymentContainer = 'app-package'
// Release packages (docs/releases.md): uploaded and downloaded through user-delegation SAS only.
var releasesContainer = 'packages'
var signingKeyName = 'license-signing'
var appName = 'func-${environmentName}-${take(token, 6)}'

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  keyVaultCryptoUser: '12338af0-0e69-4776-bea7-57ae8d297424'
  keyVaultCryptoOfficer: '14b46e9e-c2b7-41b4-b07b-48a6ebf60603'
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
  // Sending e-mail with Entra ID: ACS honours its built-in role, not custom role definitions; scoped to the one
  // Communication Services resource.
  communicationAndEmailServiceOwner: '09976791-48a7-449e-bb21-39d1a415f350'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-${environmentName}'
  location: location
  tags: tags
}

// ---------- Storage: tables and queues the app uses, the Functions host's own storage, the deployment package ----------
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource packageContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainer
}

resource packagesContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: releasesContainer
  properties: { publicAccess: 'None' }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

var tableNames = [
  'accounts'
  'apikeys'
  'products'
  'licenses'
  'licenseactivity'
  'signingkeys'
  'stripeevents'
  'stripelinks'
  'stripefailures'
  'emailoutbox'
  'localsecrets'
  'redeemcodes'
  'usage'
  'accountusage'
  'metrics'
  'idempotency'
  'releases'
  'keyaliases'
  'trials'
  'webhookendpoints'
  'webhookdeliveries'
  'auditlog'
  'accountemails'
  'sessions'
  'signintokens'
  'timerruns'
]

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for name in tableNames: {
  parent: tableService
  name: name
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

var queueNames = [
  'stripe-events'
  'stripe-events-poison'
  'email-outbox'
  'email-outbox-poison'
  'webhook-deliveries'
  'webhook-deliveries-poison'
  'license-changes'
  'license-changes-poison'
  'signin-requests'
  'signin-requests-poison'
]

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for name in queueNames: {
  parent: queueService
  name: name
}]

// ---------- Key Vault: the root signing key (EC P-256, created here) and the Stripe/admin secrets ----------
resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('kv-${token}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource signingKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: signingKeyName
  properties: {
    kty: 'EC'
    curveName: 'P-256'
    keyOps: [
      'sign'
      'verify'
    ]
  }
}

resource adminKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'licensing-admin-key'
  properties: {
    value: adminKey
    contentType: 'text/plain'
  }
}

// ---------- Monitoring ----------
resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${environmentName}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${environmentName}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

module monitoring 'monitoring.bicep' = {
  name: 'licensing-monitoring'
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    insightsId: insights.id
    alertEmail: alertEmail
  }
}

// ---------- E-mail: Communication Services with an Email service, an Azure-managed domain and a sender ----------
resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: 'email-${environmentName}'
  location: 'global'
  tags: tags
  properties: { dataLocation: 'Europe' }
}

resource emailDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource sender 'Microsoft.Communication/emailServices/domains/senderUsernames@2023-04-01' = {
  parent: emailDomain
  name: senderUsername
  properties: {
    username: senderUsername
    displayName: 'Licenses'
  }
}

resource communication 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: 'acs-${environmentName}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: 'Europe'
    linkedDomains: [
      emailDomain.id
    ]
  }
}

// ---------- The function app: Flex Consumption, .NET 10 isolated ----------
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${environmentName}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: { reserved: true }
}

// ---------- The founder dashboard: Azure Static Web Apps, Free tier (static files on a global CDN, TLS, SPA fallback) ----------
resource dashboard 'Microsoft.Web/staticSites@2024-04-01' = {
  name: 'swa-${environmentName}-${take(token, 6)}'
  location: dashboardLocation
  tags: union(tags, { 'azd-service-name': 'dashboard' })
  sku: { name: 'Free', tier: 'Free' }
  properties: {}
}

var dashboardBase = empty(dashboardUrl) ? 'https://${dashboard.properties.defaultHostname}/' : dashboardUrl
// CORS origins: scheme://host of the Static Web App and of the custom address, if any.
var dashboardOrigins = union(['https://${dashboard.properties.defaultHostname}'], empty(dashboardUrl) ? [] : [
  '${split(dashboardUrl, '/')[0]}//${split(dashboardUrl, '/')[2]}'
])

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // The dashboard calls the API from its own origin with a bearer token (no cookies).
      cors: { allowedOrigins: dashboardOrigins }
      appSettings: [
        // The Functions host's own storage, identity-based.
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identity.properties.clientId }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identity.properties.clientId};Authorization=AAD' }
        // The app's settings (docs/configuration.md); a test holds this list equal to ProductionSettings.
        { name: 'Licensing__TableServiceUri', value: storage.properties.primaryEndpoints.table }
        { name: 'Licensing__QueueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'Licensing__BlobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'Licensing__Releases__DownloadMode', value: 'Redirect' }
        { name: 'Licensing__PublicBaseUrl', value: 'https://${appName}.azurewebsites.net/api' }
        { name: 'Licensing__ManagedIdentityClientId', value: identity.properties.clientId }
        { name: 'Licensing__Signing__KeyVaultUri', value: vault.properties.vaultUri }
        { name: 'Licensing__Signing__KeyName', value: signingKey.name }
        { name: 'Licensing__AdminKey', value: '@Microsoft.KeyVault(SecretUri=${adminKeySecret.properties.secretUri})' }
        // Short keys' MAC secrets (docs/license-keys.md): one setting per version, created by azd's postprovision hook.
        { name: 'Licensing__ShortKeys__CurrentVersion', value: '1' }
        { name: 'Licensing__ShortKeys__Secrets__1', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=short-key-1)' }
        { name: 'Licensing__Email__AcsEndpoint', value: 'https://${communication.properties.hostName}' }
        { name: 'Licensing__Email__From', value: '${sender.properties.username}@${emailDomain.properties.mailFromSenderDomain}' }
        { name: 'Licensing__DashboardUrl', value: dashboardBase }
        { name: 'Licensing__ClientAddress__Source', value: 'XForwardedFor' }
        { name: 'Licensing__Telemetry__SamplingRatio', value: telemetrySamplingRatio }
      ]
    }
  }
  dependsOn: [
    packageContainer
    packagesContainer
    tables
    queues
  ]
}

// ---------- Role assignments: guid(scope, principal, role), only what the app uses ----------
resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

// Release packages: read, write and delete the blobs of that one container (what a user-delegation SAS the app mints can
// grant is bounded by this). The user-delegation key itself is an account-level action, which the Blob Data Owner role
// above (the Functions host's own storage) already carries.
resource packagesRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(packagesContainer.id, identity.id, roles.storageBlobDataContributor)
  scope: packagesContainer
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataContributor)
  }
}

resource vaultRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [
  roles.keyVaultCryptoUser
  roles.keyVaultSecretsOfficer
]: {
  name: guid(vault.id, identity.id, role)
  scope: vault
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
  }
}]

resource deployerVaultRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(vault.id, principalId, roles.keyVaultCryptoOfficer)
  scope: vault
  properties: {
    principalId: principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultCryptoOfficer)
  }
}

// The deployer creates the short-key secret once (azure.yaml's postprovision hook; never overwritten).
resource deployerSecretsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(principalId)) {
  name: guid(vault.id, principalId, roles.keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: principalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsOfficer)
  }
}

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
  }
}

resource emailRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communication.id, identity.id, roles.communicationAndEmailServiceOwner)
  scope: communication
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.communicationAndEmailServiceOwner)
  }
}

output functionAppName string = app.name
output dashboardUrl string = dashboardBase
output apiBaseUrl string = 'https://${app.properties.defaultHostName}/api'
output keyVaultName string = vault.name
output emailSender string = '${sender.properties.username}@${emailDomain.properties.mailFromSenderDomain}'
