using Microstructures.Core.Indicators;

namespace Microstructures.Core.Tests.Indicators;

// Complementary suppression checked by brute force: after suppression, every hidden cell must be able to
// take at least two values consistent with everything visible and every equation (cells being
// non-negative integers) — whoever subtracts totals from parts, along any chain of tables, learns no
// hidden count.
public sealed class SuppressionTests
{
    private const int Threshold = 5;

    // A parent and its children, each node a table of `categories` cells and its total; the parent's
    // cells are the sums of the children's. Cell ids: node * (categories + 1) + category, the total last.
    private static (long[] Values, List<SuppressionEquation> Equations) Hierarchy(Random random, int children, int categories, int max)
    {
        var width = categories + 1;
        var values = new long[(children + 1) * width];
        for (var child = 1; child <= children; child++)
        {
            for (var c = 0; c < categories; c++)
            {
                values[child * width + c] = random.Next(0, max + 1);
            }
        }
        for (var c = 0; c < categories; c++)
        {
            values[c] = Enumerable.Range(1, children).Sum(child => values[child * width + c]);
        }
        for (var node = 0; node <= children; node++)
        {
            values[node * width + categories] = Enumerable.Range(0, categories).Sum(c => values[node * width + c]);
        }
        var equations = new List<SuppressionEquation>();
        for (var node = 0; node <= children; node++)
        {
            equations.Add(new(node * width + categories, Enumerable.Range(0, categories).Select(c => node * width + c).ToList()));
        }
        for (var c = 0; c <= categories; c++)
        {
            equations.Add(new(c, Enumerable.Range(1, children).Select(child => child * width + c).ToList()));
        }
        return (values, equations);
    }

    [Theory]
    [InlineData(1, 2, 3, 8)]
    [InlineData(2, 3, 3, 9)]
    [InlineData(3, 4, 2, 7)]
    [InlineData(4, 3, 4, 12)]
    public void NoHiddenCountCanBeRecoveredFromTheVisibleCellsAndTheTotals(int seed, int children, int categories, int max)
    {
        var random = new Random(seed);
        var checkedTables = 0;
        for (var round = 0; round < 40; round++)
        {
            var (values, equations) = Hierarchy(random, children, categories, max);

            var hidden = Suppression.Apply(values, equations, Threshold);

            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(hidden[i] || values[i] == 0 || values[i] >= Threshold, $"cell {i} = {values[i]} is shown");
            }
            if (hidden.Any(h => h))
            {
                checkedTables++;
                foreach (var cell in Enumerable.Range(0, values.Length).Where(i => hidden[i]))
                {
                    Assert.True(HasAlternative(values, equations, hidden, cell), $"round {round}: hidden cell {cell} = {values[cell]} is recoverable");
                }
            }
        }
        Assert.True(checkedTables > 10);
    }

    [Fact]
    public void ACellKnownToOneReaderDoesNotGiveAwayAnother()
    {
        // Parent 10 = 3 + 7 + 0 over three children, one category (the total equals the cell).
        long[] values = [10, 3, 7, 0];
        var equations = new List<SuppressionEquation> { new(0, [1, 2, 3]) };

        var plain = Suppression.Apply(values, equations, Threshold);
        var robust = Suppression.Apply(values, equations, Threshold, [[2]]);

        Assert.Equal([false, true, true, false], plain);
        // The reader who knows cell 2 (its own 7) would get cell 1 = 10 − 7: a third cell is hidden.
        Assert.Equal([false, true, true, true], robust);
    }

    [Fact]
    public void ATableWithNothingSmallHidesNothing()
    {
        long[] values = [30, 10, 20, 0];
        Assert.DoesNotContain(true, Suppression.Apply(values, [new(0, [1, 2, 3])], Threshold));
    }

    // Is there a non-negative integer solution of all equations, visible cells fixed, where `cell` differs
    // from its true value? Depth-first over the hidden cells, equations checked as soon as complete.
    private static bool HasAlternative(long[] values, List<SuppressionEquation> equations, bool[] hidden, int cell)
    {
        var bound = values.Max();
        var unknown = Enumerable.Range(0, values.Length).Where(i => hidden[i]).OrderBy(i => i == cell ? 0 : 1).ToList();
        var assigned = values.Select((v, i) => hidden[i] ? (long?)null : v).ToArray();
        for (long candidate = 0; candidate <= bound; candidate++)
        {
            if (candidate == values[cell])
            {
                continue;
            }
            assigned[cell] = candidate;
            if (Solve(assigned, equations, unknown, 1, bound))
            {
                return true;
            }
            assigned[cell] = null;
        }
        return false;
    }

    // Assigns the remaining hidden cells: a cell that is the only unknown of an equation is forced; else
    // the first unknown cell tries every value up to the bound.
    private static bool Solve(long?[] assigned, List<SuppressionEquation> equations, List<int> unknown, int next, long bound)
    {
        if (!Consistent(assigned, equations))
        {
            return false;
        }
        foreach (var e in equations)
        {
            var open = e.Members.Distinct().Where(m => assigned[m] is null).ToList();
            if (open.Count != 1)
            {
                continue;
            }
            var cell = open[0];
            var parts = e.Parts.Where(p => p != cell).Sum(p => assigned[p]!.Value);
            var forced = cell == e.Total ? parts : assigned[e.Total]!.Value - parts;
            if (forced < 0 || forced > bound)
            {
                return false;
            }
            assigned[cell] = forced;
            var solved = Solve(assigned, equations, unknown, next, bound);
            assigned[cell] = null;
            return solved;
        }
        var free = unknown.FirstOrDefault(u => assigned[u] is null, -1);
        if (free < 0)
        {
            return true;
        }
        for (long v = 0; v <= bound; v++)
        {
            assigned[free] = v;
            if (Solve(assigned, equations, unknown, next, bound))
            {
                assigned[free] = null;
                return true;
            }
        }
        assigned[free] = null;
        return false;
    }

    // Complete equations must hold; incomplete ones must not already exceed their total.
    private static bool Consistent(long?[] assigned, List<SuppressionEquation> equations)
    {
        foreach (var e in equations)
        {
            var parts = e.Parts.Select(p => assigned[p]).ToList();
            var known = parts.Where(p => p is not null).Sum(p => p!.Value);
            if (assigned[e.Total] is { } total)
            {
                if (parts.All(p => p is not null) ? known != total : known > total)
                {
                    return false;
                }
            }
        }
        return true;
    }
}
