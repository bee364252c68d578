using Microsoft.Extensions.DependencyInjection;
using Microstructures.Core.Common;

namespace Microstructures.Core.Submissions;

public static class SubmissionServiceCollectionExtensions
{
    // Activity-data submissions: reading, validation, receipts, raw blobs, stored rows, evaluator export.
    // Needs AddPlatformStorage, AddReferenceData and a TimeProvider.
    public static IServiceCollection AddSubmissions(this IServiceCollection services)
    {
        services.AddPlatformMetrics();
        services.AddOptions<SubmissionOptions>().BindConfiguration(SubmissionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RawSubmissionStore>();
        services.AddSingleton<ReceiptStore>();
        services.AddSingleton<SubmissionDataStore>();
        services.AddSingleton<SubmissionParser>();
        services.AddSingleton<SubmissionService>();
        services.AddSingleton<EvaluatorExport>();
        return services;
    }
}
