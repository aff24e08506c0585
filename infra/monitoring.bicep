// Alerts to the founder (docs/observability.md): an action group e-mailing them, and log alert rules on the app's own
// counters in Application Insights (customMetrics, from the "Licensing" meter): poison messages and e-mails given up.
param environmentName string
param location string
param tags object
@description('Application Insights resource the app exports to.')
param insightsId string
@description('Where the alerts go: the founder\'s e-mail address.')
param alertEmail string

resource founder 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-${environmentName}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: take('lic${environmentName}', 12)
    enabled: true
    emailReceivers: [
      { name: 'founder', emailAddress: alertEmail, useCommonAlertSchema: true }
    ]
  }
}

var rules = [
  {
    name: 'poison-messages'
    description: 'A queue message was given up after 5 attempts and moved to a poison queue (GET /v1/health/ready lists them).'
    severity: 2
    query: 'customMetrics | where name == "licensing.queue.poison" | extend queue = tostring(customDimensions["queue"]) | summarize poison = max(value) by queue | where poison > 0'
  }
  {
    name: 'email-failures'
    description: 'An e-mail was given up after its last delivery attempt (docs/email.md: the outbox keeps its last error).'
    severity: 2
    query: 'customMetrics | where name == "licensing.email.deliveries" and tostring(customDimensions["outcome"]) == "failed" | summarize failed = sum(valueSum) | where failed > 0'
  }
]

resource alerts 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for rule in rules: {
  name: 'alert-${environmentName}-${rule.name}'
  location: location
  tags: tags
  properties: {
    displayName: '${environmentName}: ${rule.name}'
    description: rule.description
    severity: rule.severity
    enabled: true
    scopes: [insightsId]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: rule.query
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 }
        }
      ]
    }
    autoMitigate: true
    actions: { actionGroups: [founder.id] }
  }
}]
