using System.Text.Json.Nodes;
using Microstructures.Functions.Hosting;
using Microstructures.TestSupport;

namespace Microstructures.Functions.Tests.Hosting;

// What the Functions host will load, read from the generated functions.metadata in the build output,
// checked against the markers on the code (FunctionCatalog) without starting anything. The HTTP half of
// the walk (every function called with the wrong keys) is in StaffAccessTests and NetworkAccessTests.
public sealed class FunctionMetadataTests
{
    private static readonly IReadOnlyList<FunctionsOutput.DeclaredFunction> Declared = FunctionsOutput.ReadMetadata();
    private static readonly IReadOnlyList<FunctionEntry> Catalog = FunctionCatalog.Read(typeof(FunctionCatalog).Assembly);

    private static FunctionEntry InCatalog(FunctionsOutput.DeclaredFunction function) =>
        Catalog.SingleOrDefault(e => e.EntryPoint == function.EntryPoint)
            ?? throw new Xunit.Sdk.XunitException($"{function.Name}: functions.metadata names {function.EntryPoint}, which has no [Function] in the code");

    // Every function of the app with its trigger, as they were before the move to the isolated worker
    // (and as the README's table, alerts and settings name them): names, routes, methods, queues and
    // schedules do not change with the hosting model. Since then: the public home page at / and the
    // form's printable poster; activity data submissions and indicators (issue 11).
    // The door's search by name and undo, the staff's check-in button, an event's cancellation.
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["Assets"] = "http GET api/assets/{name}",
        ["CancelEvent"] = "http POST api/manage/events/{eventId}/cancel",
        ["DoorSearch"] = "http GET api/events/{eventId}/door/registrations",
        ["StaffCheckIn"] = "http DELETE,POST api/manage/events/{eventId}/registrations/{registrationId}/checkin",
        ["UndoCheckIn"] = "http POST api/events/{eventId}/checkins/undo",
        ["AttendanceCertificate"] = "http GET,POST api/events/{eventId}/registrations/{registrationId}/certificate",
        ["CheckIn"] = "http POST api/events/{eventId}/checkins",
        ["CheckinLink"] = "http DELETE,GET api/manage/events/{eventId}/checkin-link",
        ["CheckinPage"] = "http GET api/events/{eventId}/checkin",
        ["CloseMicrostructure"] = "http POST api/manage/microstructures/{microstructureId}/close",
        ["CloseNetwork"] = "http POST api/manage/networks/{networkId}/close",
        ["CloseRegion"] = "http POST api/manage/regions/{regionId}/close",
        ["ComputeIndicators"] = "queue compute-indicators",
        ["EmailEvents"] = "http POST api/email/events",
        ["EvaluatorExport"] = "http GET api/manage/submissions/export",
        ["EventSummary"] = "http GET api/events/{eventId}",
        ["ExportRegistrations"] = "http GET api/manage/events/{eventId}/registrations.csv",
        ["GetAuditTrail"] = "http GET api/manage/audit/{entityType}/{entityId}",
        ["GetOrgTree"] = "http GET api/manage/tree",
        ["Health"] = "http GET api/health",
        ["Home"] = "http GET {page:maxlength(0)?}",
        ["ImportOrgTree"] = "http POST api/manage/import",
        ["IndicatorRebuildStatus"] = "http GET api/manage/indicators/rebuild/{jobId}",
        ["IndicatorRebuilds"] = "http GET api/manage/indicators/rebuilds",
        ["Indicators"] = "http GET api/indicators",
        ["IndicatorsCsv"] = "http GET api/indicators.csv",
        ["IndicatorsDashboard"] = "http GET api/indicators/dashboard",
        ["IndicatorsKeyFigures"] = "http GET api/indicators/chiffres-cles",
        ["ManageEvent"] = "http GET,PUT api/manage/events/{eventId}",
        ["ManageEventList"] = "http GET api/manage/event-list",
        ["ManageEventsPage"] = "http GET api/manage/events",
        ["ManageHome"] = "http GET api/manage",
        ["ManageIndicators"] = "http GET api/manage/indicators",
        ["ManageIndicatorsCsv"] = "http GET api/manage/indicators.csv",
        ["ManageKeysPage"] = "http GET api/manage/keys",
        ["ManageMicrostructure"] = "http GET,PUT api/manage/microstructures/{microstructureId}",
        ["ManageMicrostructures"] = "http GET,POST api/manage/microstructures",
        ["ManageNetwork"] = "http GET,PUT api/manage/networks/{networkId}",
        ["ManageNetworkKeys"] = "http GET,POST api/manage/networks/{networkId}/keys",
        ["ManageNetworkSubmission"] = "http GET api/manage/networks/{networkId}/submissions/{receiptId}",
        ["ManageNetworkSubmissions"] = "http GET api/manage/networks/{networkId}/submissions",
        ["ManageNetworks"] = "http GET,POST api/manage/networks",
        ["ManagePoisonQueues"] = "http GET api/manage/queues/poison",
        ["ManageQueuesPage"] = "http GET api/manage/queues",
        ["ManageRegion"] = "http GET,PUT api/manage/regions/{regionId}",
        ["ManageRegions"] = "http GET,POST api/manage/regions",
        ["ManageRegistrationPage"] = "http GET,POST api/events/{eventId}/registrations/{registrationId}/manage",
        ["ManageSubmissionsPage"] = "http GET api/manage/submissions",
        ["NetworkGetMicrostructure"] = "http GET api/network/microstructures/{microstructureId}",
        ["NetworkGetSubmission"] = "http GET api/network/submissions/{receiptId}",
        ["NetworkIndicators"] = "http GET api/network/indicators",
        ["NetworkIndicatorsCsv"] = "http GET api/network/indicators.csv",
        ["NetworkListMicrostructures"] = "http GET api/network/microstructures",
        ["NetworkListSubmissions"] = "http GET api/network/submissions",
        ["NetworkSetTeam"] = "http PUT api/network/microstructures/{microstructureId}/teams/{year:int}",
        ["OrganiserMessage"] = "http POST api/manage/events/{eventId}/messages",
        ["PoisonQueueMetrics"] = "timer 0 */5 * * * *",
        ["PurgeRegistrations"] = "timer 0 30 3 * * *",
        ["RebuildIndicators"] = "http POST api/manage/indicators/rebuild",
        ["RebuildIndicatorsJob"] = "queue rebuild-indicators",
        ["Register"] = "http POST api/events/{eventId}/registrations",
        ["RegisterPage"] = "http GET,POST api/events/{eventId}/register",
        ["RegistrationCounts"] = "http GET api/manage/events/{eventId}/counts",
        ["RegistrationFormQrCode"] = "http GET api/events/{eventId}/qr",
        ["RegistrationPoster"] = "http GET api/events/{eventId}/poster",
        ["RelayRegistrationEmails"] = "queue registration-emails",
        ["RemindAttendees"] = "timer 0 5 * * * *",
        ["ReplayPoisonMessages"] = "http POST api/manage/queues/{queue}/replay",
        ["RequeueStaleSubmissions"] = "timer 0 */10 * * * *",
        ["RevokeNetworkKey"] = "http POST api/manage/networks/{networkId}/keys/{keyId}/revoke",
        ["SendEmail"] = "queue outbound-email",
        ["SendTestEmail"] = "http POST api/manage/email/test",
        ["SetMicrostructureTeam"] = "http PUT api/manage/microstructures/{microstructureId}/teams/{year:int}",
        ["StaffCancelRegistration"] = "http POST api/manage/events/{eventId}/registrations/{registrationId}/cancel",
        ["StaffEditRegistration"] = "http PUT api/manage/events/{eventId}/registrations/{registrationId}",
        ["StaffRegistrations"] = "http GET,POST api/manage/events/{eventId}/registrations",
        ["SubmissionSchema"] = "http GET api/submissions/schema/{kind}",
        ["SubmissionSchemaFile"] = "http GET api/submissions/schema/{kind}/{file}",
        ["SubmissionSchemaIndex"] = "http GET api/submissions/schema",
        ["Submit"] = "http POST api/network/submissions",
        ["SweepPendingEmails"] = "timer 0 */2 * * * *",
        ["SweepRegistrationEmails"] = "timer 0 */15 * * * *",
        // Forfait reminders (issue 13).
        ["ForfaitDigestPage"] = "http GET,POST api/forfaits/reminders/{digestId}",
        ["ForfaitRemindersPreview"] = "http GET api/manage/forfaits/reminders/preview",
        ["ForfaitRemindersTimer"] = "timer 0 0 6 * * *",
        ["ManageExportForfaits"] = "http GET api/manage/forfaits.csv",
        ["ManageForfaitFigures"] = "http GET api/manage/forfaits/figures",
        ["ManageForfaitList"] = "http GET api/manage/forfaits/list",
        ["ManageForfaitsPage"] = "http GET api/manage/forfaits",
        ["ManageDashboardPage"] = "http GET api/manage/dashboard",
        ["ManageDashboardBody"] = "http GET api/manage/dashboard/body",
        ["NetworkDashboardPage"] = "http GET api/indicators/reseau",
        ["NetworkDashboard"] = "http GET api/network/dashboard",
        ["ManageImportForfaits"] = "http POST api/manage/forfaits/import",
        ["NetworkAcknowledgeForfait"] = "http POST api/network/forfaits/{forfaitId}/acknowledgement",
        ["NetworkCloseForfait"] = "http POST api/network/forfaits/{forfaitId}/closure",
        ["NetworkExportForfaits"] = "http GET api/network/forfaits.csv",
        ["NetworkForfait"] = "http GET api/network/forfaits/{forfaitId}",
        ["NetworkForfaitFigures"] = "http GET api/network/forfait-figures",
        ["NetworkForfaits"] = "http GET,POST api/network/forfaits",
        ["NetworkForfaitsPage"] = "http GET api/forfaits",
        ["NetworkImportForfaits"] = "http POST api/network/forfait-import",
        ["NetworkRenewForfait"] = "http POST api/network/forfaits/{forfaitId}/renewals",
        ["NetworkSnoozeForfait"] = "http POST api/network/forfaits/{forfaitId}/snooze",
        ["NewsletterSubscribe"] = "http POST api/newsletter/subscriptions",
        ["NewsletterSubscribePage"] = "http GET,POST api/newsletter/subscribe",
        ["NewsletterConfirm"] = "http GET,POST api/newsletter/confirm",
        ["NewsletterUnsubscribe"] = "http GET,POST api/newsletter/unsubscribe",
        ["NewsletterStay"] = "http GET,POST api/newsletter/stay",
        ["NewsletterArchive"] = "http GET api/newsletter/archive",
        ["NewsletterArchiveIssue"] = "http GET api/newsletter/archive/{month}",
        ["NewsletterImage"] = "http GET api/newsletter/images/{id}",
        ["ManageNewsletterPage"] = "http GET api/manage/newsletter",
        ["ManageSubscribersPage"] = "http GET api/manage/newsletter/list",
        ["ManageNewsletterIssues"] = "http GET api/manage/newsletter/issues",
        ["ManageNewsletterIssue"] = "http DELETE,GET,PUT api/manage/newsletter/issues/{month}",
        ["NewsletterIssueReady"] = "http DELETE,POST api/manage/newsletter/issues/{month}/ready",
        ["NewsletterIssuePreview"] = "http GET api/manage/newsletter/issues/{month}/preview",
        ["NewsletterIssueTest"] = "http POST api/manage/newsletter/issues/{month}/test",
        ["NewsletterCampaign"] = "http GET api/manage/newsletter/issues/{month}/campaign",
        ["UploadNewsletterImage"] = "http POST api/manage/newsletter/images",
        ["ManageSubscribers"] = "http GET api/manage/newsletter/subscribers",
        ["ExportSubscribers"] = "http GET api/manage/newsletter/subscribers.csv",
        ["ImportSubscribers"] = "http POST api/manage/newsletter/subscribers/import",
        ["EraseSubscriber"] = "http POST api/manage/newsletter/subscribers/erase",
        ["MonthlyNewsletterTimer"] = "timer 0 */15 * * * *",
        ["NewsletterRetention"] = "timer 0 45 3 * * *",
        ["SendNewsletterBatch"] = "queue newsletter-batches",
    };

    private static string Describe(FunctionsOutput.DeclaredFunction f) => f.Trigger switch
    {
        "httpTrigger" => $"http {string.Join(',', f.Methods)} {f.Route}",
        "queueTrigger" => $"queue {f.QueueName}",
        "timerTrigger" => $"timer {f.Schedule}",
        _ => f.Trigger,
    };

    [Fact]
    public void EveryFunctionKeepsItsNameTriggerRouteMethodsQueueAndSchedule()
    {
        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), Declared.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(Declared, f => Assert.Equal(Expected[f.Name], Describe(f)));
    }

    [Fact]
    public void TheMetadataAndTheCodeDeclareTheSameFunctions()
    {
        Assert.Equal(Catalog.Select(e => e.Name).Order(StringComparer.Ordinal), Declared.Select(f => f.Name).Order(StringComparer.Ordinal));
        foreach (var function in Declared)
        {
            var entry = InCatalog(function);
            Assert.Equal(function.Name, entry.Name);
            Assert.Equal(function.Route, entry.Route);
            Assert.Equal(function.Methods, entry.Methods);
        }
    }

    [Fact]
    public void EveryHttpFunctionIsAnonymousWithExactlyOneAccessMarker()
    {
        var http = Declared.Where(f => f.IsHttp).ToList();

        Assert.True(http.Count > 40);
        foreach (var function in http)
        {
            Assert.True(function.AuthLevel == "Anonymous", $"{function.Name} is {function.AuthLevel}: the app checks its own keys, host keys would be a second secret");
            var markers = InCatalog(function).AccessMarkers;
            Assert.True(markers.Count == 1, $"{function.Name} has {markers.Count} access markers");
        }
    }

    [Fact]
    public void EveryRouteUnderApiManageIsBehindTheStaffKeyButThePageShells()
    {
        var manage = Declared.Where(f => FunctionCatalog.IsUnder(f.Route, "api/manage")).ToList();

        Assert.True(manage.Count > 20);
        Assert.All(manage, f => Assert.True(InCatalog(f).Access is FunctionAccess.Staff or FunctionAccess.StaffPage, $"{f.Name} ({f.Route}) is {InCatalog(f).Access}"));
        var shells = manage.Where(f => InCatalog(f).Access == FunctionAccess.StaffPage).ToList();
        Assert.Equal(["api/manage", "api/manage/dashboard", "api/manage/events", "api/manage/forfaits", "api/manage/keys", "api/manage/newsletter", "api/manage/newsletter/list", "api/manage/queues", "api/manage/submissions"], shells.Select(f => f.Route!).Order(StringComparer.Ordinal));
        Assert.All(shells, f => Assert.Equal(["GET"], f.Methods));
        // Staff functions live under api/manage only: nothing elsewhere depends on the staff key.
        Assert.All(Declared.Where(f => f.IsHttp && !FunctionCatalog.IsUnder(f.Route, "api/manage")),
            f => Assert.False(InCatalog(f).Access is FunctionAccess.Staff or FunctionAccess.StaffPage, f.Name));
    }

    [Fact]
    public void EveryRouteUnderApiNetworkIsBehindTheNetworkKeyAndNoOtherIs()
    {
        var network = Declared.Where(f => FunctionCatalog.IsUnder(f.Route, "api/network")).ToList();

        // The org tree's 3, the forfaits' 9, the submissions' and indicators' 5, the dashboard's body.
        Assert.Equal(18, network.Count);
        Assert.All(network, f => Assert.Equal(FunctionAccess.Network, InCatalog(f).Access));
        Assert.All(Declared.Where(f => f.IsHttp && !FunctionCatalog.IsUnder(f.Route, "api/network")), f => Assert.NotEqual(FunctionAccess.Network, InCatalog(f).Access));
    }

    [Fact]
    public void TheEventsStaffApiIsAuditedWhereItChangesSomething()
    {
        var audited = Catalog.Where(e => e.AuditsEvent).Select(e => e.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["CancelEvent", "CheckinLink", "ManageEvent", "OrganiserMessage", "StaffCancelRegistration", "StaffCheckIn", "StaffEditRegistration", "StaffRegistrations"], audited);
        // Every staff function that writes under an event is among them.
        var writers = Declared.Where(f => f.IsHttp && f.Route!.StartsWith("api/manage/events/{eventId}", StringComparison.Ordinal) && f.Methods.Any(m => m != "GET"));
        Assert.All(writers, f => Assert.True(InCatalog(f).AuditsEvent, f.Name + " changes an event without the audit marker"));
    }

    [Fact]
    public void EveryRouteStartsWithApiButThePublicHomeAndNoneWithAdminOrRuntime()
    {
        var home = Assert.Single(Declared, f => f.IsHttp && !FunctionCatalog.IsUnder(f.Route, "api"));
        Assert.Equal(("Home", FunctionCatalog.HomeRoute, FunctionAccess.Public), (home.Name, home.Route, InCatalog(home).Access));
        foreach (var function in Declared.Where(f => f.IsHttp && f != home))
        {
            Assert.StartsWith("api/", function.Route + "/", StringComparison.Ordinal);
            Assert.False(function.Route!.StartsWith("admin", StringComparison.OrdinalIgnoreCase) || function.Route.StartsWith("runtime", StringComparison.OrdinalIgnoreCase),
                $"{function.Name}: the host refuses routes starting with admin or runtime");
        }
    }

    // The app writes to storage with its own SDK clients: no output binding, and HTTP answers are the
    // function's return value.
    [Fact]
    public void NoFunctionHasAnOutputBindingButItsHttpAnswer()
    {
        foreach (var function in Declared)
        {
            var outputs = function.Bindings.Where(b => b["direction"]!.GetValue<string>() != "In").ToList();
            if (function.IsHttp)
            {
                var answer = Assert.Single(outputs);
                Assert.Equal("$return", answer["name"]!.GetValue<string>());
                Assert.Equal("http", answer["type"]!.GetValue<string>());
            }
            else
            {
                Assert.Empty(outputs);
            }
            Assert.Single(function.Bindings, b => b["direction"]!.GetValue<string>() == "In");
        }
    }

    [Fact]
    public void QueuesAreReadFromTheAppsStorageAsStringsAndTimersUseTheScheduleMonitor()
    {
        Assert.All(Declared.Where(f => f.Trigger == "queueTrigger"), f =>
        {
            var trigger = f.Bindings.Single(b => b["type"]!.GetValue<string>() == "queueTrigger");
            Assert.Equal("AzureWebJobsStorage", trigger["connection"]?.GetValue<string>());
            Assert.Equal("String", trigger["dataType"]?.GetValue<string>());
        });
        Assert.All(Declared.Where(f => f.Trigger == "timerTrigger"), f =>
        {
            var trigger = f.Bindings.Single(b => b["type"]!.GetValue<string>() == "timerTrigger");
            Assert.True(trigger["useMonitor"]?.GetValue<bool>() ?? true, f.Name);
            Assert.False(trigger["runOnStartup"]?.GetValue<bool>() ?? false, f.Name);
        });
    }

    [Fact]
    public void TheFunctionsAreTheReadmesFunctionsTable()
    {
        Assert.Equal(FunctionsOutput.ReadmeFunctionNames().Order(StringComparer.Ordinal), Declared.Select(f => f.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void HostJsonHasNoCustomHandlerNorBundleLeavesSlashToThePlatformAndKeepsTheQueueSettings()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsOutput.Directory, "host.json")))!;

        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Null(host["customHandler"]);
        Assert.Null(host["extensionBundle"]);
        Assert.Equal("", host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
        var queues = host["extensions"]!["queues"]!;
        Assert.Equal(16, queues["batchSize"]!.GetValue<int>());
        Assert.Equal(5, queues["maxDequeueCount"]!.GetValue<int>());
        Assert.Equal("base64", queues["messageEncoding"]!.GetValue<string>());
    }

    [Fact]
    public void WorkerConfigStartsTheAssemblyTheBuildProduced()
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(FunctionsOutput.Directory, "worker.config.json")))!["description"]!;

        Assert.Equal("dotnet-isolated", config["language"]!.GetValue<string>());
        var worker = config["defaultWorkerPath"]!.GetValue<string>();
        Assert.True(File.Exists(Path.Combine(FunctionsOutput.Directory, worker)), $"worker.config.json names {worker}, which the build did not produce");
        Assert.All(Declared, f => Assert.Equal(worker, f.ScriptFile));
    }
}
