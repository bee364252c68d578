using Microstructures.Core.Forfaits;

namespace Microstructures.Functions.Forfaits;

// What the forfait pages need besides their data (which their script reads with a key): the schemes,
// the closure reasons and the lead times in force, for the forms and hints.
public sealed record ForfaitPageModel(IReadOnlyList<ForfaitScheme> Schemes, int WindowDays)
{
    public const string StaffHref = "/api/manage/forfaits";
    public const string NetworkHref = "/api/forfaits";
    public const string TemplateName = "modele-import-forfaits.csv";

    public static ForfaitPageModel From(ForfaitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.Schemes, options.LeadTimesDays.DefaultIfEmpty(60).Max());
    }

    public static string Columns => string.Join(";", ForfaitImport.Columns);
}
