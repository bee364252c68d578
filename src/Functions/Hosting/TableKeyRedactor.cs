using System.Diagnostics;
using System.Text.RegularExpressions;
using OpenTelemetry;

namespace Microstructures.Functions.Hosting;

// A Table Storage call on one entity names its keys in the address (…/forfaits(PartitionKey='…',RowKey='…')),
// and some keys hold a pseudonym (a forfait's "a|<scheme>|<pseudonym>"): the span's name and address keep
// the table, not the keys, before the exporter sees them. (Query values are redacted already.)
internal sealed partial class TableKeyRedactor : BaseProcessor<Activity>
{
    private const string Redacted = "(PartitionKey=…,RowKey=…)";
    private static readonly string[] AddressTags = ["url.full", "url.path", "http.url", "http.target"];

    public override void OnEnd(Activity data)
    {
        if (EntityKeys().IsMatch(data.DisplayName))
        {
            data.DisplayName = EntityKeys().Replace(data.DisplayName, Redacted);
        }
        foreach (var tag in AddressTags)
        {
            if (data.GetTagItem(tag) is string value && EntityKeys().IsMatch(value))
            {
                data.SetTag(tag, EntityKeys().Replace(value, Redacted));
            }
        }
    }

    // Quotes as written by Azure.Data.Tables, or percent-encoded.
    [GeneratedRegex(@"\(PartitionKey=(?:'|%27)[^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex EntityKeys();
}
