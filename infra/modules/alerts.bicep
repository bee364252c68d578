// Alerts e-mailed to the CNRMS staff address:
// - a message in any "-poison" queue: Azure Storage metrics have no per-queue message count, so
//   the app emits the custom metric PoisonQueueLength (dimension "queue") from a timer and a log
//   search alert fires for any queue above zero;
// - e-mails given up: the custom metric EmailsFailed (a counter) above zero;
// - the health endpoint failing: an Application Insights standard availability test calling
//   GET /api/health from several Azure locations. An outside probe is the only check that sees
//   the app down (a log alert on the app's own requests sees nothing when no request arrives),
//   it needs nothing on the app's side, and it works on Flex Consumption like on any public
//   HTTPS endpoint: each probe is one ordinary execution (and wakes an idle app).

@description('Region of the availability test and the log search alerts (the data stays there).')
param location string

@description('Tags applied to the alert resources.')
param tags object

@description('Prefix of the alert resource names.')
param namePrefix string

@description('E-mail address of the CNRMS staff that receives the alerts.')
param staffEmail string

@description('Resource id of the Application Insights component.')
param appInsightsId string

@description('Public base URL of the app (https://host, no trailing slash).')
param appUrl string

@description('Availability test locations (Application Insights location ids).')
@minLength(2)
param availabilityTestLocations array

var healthTestName = '${namePrefix}-health'

resource staff 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-staff'
  // Action groups are global resources; the e-mails carry queue names and counts, no personal data.
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'CNRMS'
    enabled: true
    emailReceivers: [
      {
        name: 'staff'
        emailAddress: staffEmail
        useCommonAlertSchema: true
      }
    ]
  }
}

resource healthTest 'Microsoft.Insights/webtests@2022-06-15' = {
  name: healthTestName
  location: location
  // The portal shows a test under its component through this tag.
  tags: union(tags, { 'hidden-link:${appInsightsId}': 'Resource' })
  kind: 'standard'
  properties: {
    SyntheticMonitorId: healthTestName
    Name: 'GET /api/health'
    Description: '200 when blob, queue and table storage answer'
    Enabled: true
    Kind: 'standard'
    // Every 15 minutes: the cheapest frequency; an outage is known within half an hour.
    Frequency: 900
    Timeout: 60
    RetryEnabled: true
    Locations: [for id in availabilityTestLocations: { Id: id }]
    Request: {
      RequestUrl: '${appUrl}/api/health'
      HttpVerb: 'GET'
      ParseDependentRequests: false
    }
    ValidationRules: {
      ExpectedHttpStatusCode: 200
      SSLCheck: true
      SSLCertRemainingLifetimeCheck: 14
    }
  }
}

resource healthAlert 'Microsoft.Insights/metricAlerts@2018-03-01' = {
  name: '${namePrefix}-health-failing'
  location: 'global'
  tags: tags
  properties: {
    description: 'GET /api/health failed from several locations: the platform or its storage is down.'
    severity: 1
    enabled: true
    scopes: [
      healthTest.id
      appInsightsId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.WebtestLocationAvailabilityCriteria'
      webTestId: healthTest.id
      componentId: appInsightsId
      // Two locations failing together is the app, not one probe location's network.
      failedLocationCount: 2
    }
    autoMitigate: true
    actions: [
      {
        actionGroupId: staff.id
      }
    ]
  }
}

resource poisonAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-poison-messages'
  location: location
  tags: tags
  properties: {
    displayName: 'Message in a poison queue'
    description: 'A queue message failed five times and was moved to its "-poison" queue: read it on the staff side, fix the cause, then replay or delete it.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "PoisonQueueLength" | extend queue = tostring(customDimensions["queue"]) | summarize PoisonMessages = max(value) by queue'
          timeAggregation: 'Maximum'
          metricMeasureColumn: 'PoisonMessages'
          dimensions: [
            {
              name: 'queue'
              operator: 'Include'
              values: [
                '*'
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        staff.id
      ]
    }
  }
}

resource emailFailuresAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-emails-failed'
  location: location
  tags: tags
  properties: {
    displayName: 'E-mails failed'
    description: 'The platform gave up sending at least one e-mail (SendGrid refused it or kept failing): check the SendGrid key, the sender domain and the SendEmail function\'s logs.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "EmailsFailed" | summarize FailedEmails = sum(value)'
          timeAggregation: 'Total'
          metricMeasureColumn: 'FailedEmails'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        staff.id
      ]
    }
  }
}

output actionGroupId string = staff.id
