namespace Microstructures.Core.Indicators;

// One additive table: cells[Total] = Σ cells[Parts].
public sealed record SuppressionEquation(int Total, IReadOnlyList<int> Parts)
{
    public IEnumerable<int> Members => Parts.Prepend(Total);
}

// Small-count suppression with complementary suppression, over every additive relation a reader can
// use: the categories of a table and its total, and a level's cell and its children's.
// 1. Primary: counts 1 to threshold−1 are hidden (zeros are shown: a zero reveals no one).
// 2. Complementary: an equation with exactly one hidden cell would give it away by subtraction, so the
//    smallest other cell of that equation is hidden too (a non-zero part first, then a zero part, then
//    the total); repeated until every equation has zero or at least two hidden cells.
// 3. Audit: two hidden cells per equation is not always enough when equations chain (a hidden cell can
//    be the difference of two others' combinations). The system of equations restricted to the hidden
//    cells is reduced (Gauss–Jordan); a hidden cell whose reduced row has no other hidden cell is
//    determined: one more cell of one of its equations is hidden, and 2–3 run again until none is.
// Deterministic: the same figures always give the same pattern, whoever asks and for which node.
public static class Suppression
{
    // Coalitions: sets of cells one reader knows anyway (a network sees its own figures unsuppressed): the
    // pattern must also hold when those cells are known, so the audit is run once more per coalition.
    public static bool[] Apply(IReadOnlyList<long> values, IReadOnlyList<SuppressionEquation> equations, int threshold, IReadOnlyList<IReadOnlyList<int>>? coalitions = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(equations);
        var hidden = values.Select(v => v > 0 && v < threshold).ToArray();
        var byCell = new List<int>[values.Count];
        for (var i = 0; i < byCell.Length; i++)
        {
            byCell[i] = [];
        }
        for (var e = 0; e < equations.Count; e++)
        {
            foreach (var member in equations[e].Members.Distinct())
            {
                byCell[member].Add(e);
            }
        }
        var readers = new List<bool[]> { new bool[values.Count] };
        foreach (var coalition in coalitions ?? [])
        {
            var known = new bool[values.Count];
            foreach (var cell in coalition)
            {
                known[cell] = true;
            }
            readers.Add(known);
        }
        while (true)
        {
            Complete(values, equations, byCell, hidden);
            var changed = false;
            foreach (var known in readers)
            {
                // What this reader does not know: the hidden cells outside its own.
                var unknown = hidden.Select((h, i) => h && !known[i]).ToArray();
                foreach (var cell in Determined(values, equations, byCell, unknown))
                {
                    // Hide one more cell (not one the reader knows) of the equation holding it with the fewest unknown cells.
                    var extra = byCell[cell].Select(e => equations[e])
                        .OrderBy(e => e.Members.Count(m => unknown[m]))
                        .Select(e => Complement(values, e, hidden, known))
                        .FirstOrDefault(c => c is not null);
                    if (extra is { } x && !hidden[x])
                    {
                        hidden[x] = true;
                        changed = true;
                    }
                }
            }
            if (!changed)
            {
                return hidden;
            }
        }
    }

    private static void Complete(IReadOnlyList<long> values, IReadOnlyList<SuppressionEquation> equations, List<int>[] byCell, bool[] hidden)
    {
        var pending = new Queue<int>(Enumerable.Range(0, equations.Count));
        var queued = Enumerable.Repeat(true, equations.Count).ToArray();
        while (pending.Count > 0)
        {
            var e = pending.Dequeue();
            queued[e] = false;
            var equation = equations[e];
            if (equation.Members.Distinct().Count(m => hidden[m]) != 1 || Complement(values, equation, hidden, null) is not { } extra)
            {
                continue;
            }
            hidden[extra] = true;
            foreach (var other in byCell[extra].Where(o => !queued[o]))
            {
                queued[other] = true;
                pending.Enqueue(other);
            }
        }
    }

    // The cell to hide beside the hidden ones of an equation: the smallest non-zero part, else a zero
    // part, else the total (ties: the lowest index, for determinism).
    private static int? Complement(IReadOnlyList<long> values, SuppressionEquation equation, bool[] hidden, bool[]? known)
    {
        var parts = equation.Parts.Distinct().Where(p => !hidden[p] && known?[p] != true).ToList();
        var candidate = parts.Where(p => values[p] > 0).OrderBy(p => values[p]).ThenBy(p => p).Cast<int?>().FirstOrDefault()
            ?? parts.OrderBy(p => p).Cast<int?>().FirstOrDefault();
        return candidate ?? (hidden[equation.Total] || known?[equation.Total] == true ? null : equation.Total);
    }

    // Hidden cells the equations pin down. Done per connected group of hidden cells, on the equations
    // that hold at least one hidden cell (their visible cells are constants).
    internal static List<int> Determined(IReadOnlyList<long> values, IReadOnlyList<SuppressionEquation> equations, List<int>[] byCell, bool[] hidden)
    {
        var determined = new List<int>();
        var seen = new bool[hidden.Length];
        for (var start = 0; start < hidden.Length; start++)
        {
            if (!hidden[start] || seen[start])
            {
                continue;
            }
            // The group: hidden cells linked through shared equations.
            var cells = new List<int>();
            var rows = new HashSet<int>();
            var stack = new Stack<int>([start]);
            seen[start] = true;
            while (stack.Count > 0)
            {
                var cell = stack.Pop();
                cells.Add(cell);
                foreach (var e in byCell[cell])
                {
                    if (!rows.Add(e))
                    {
                        continue;
                    }
                    foreach (var m in equations[e].Members.Where(m => hidden[m] && !seen[m]))
                    {
                        seen[m] = true;
                        stack.Push(m);
                    }
                }
            }
            var column = cells.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
            var matrix = rows.Select(e =>
            {
                var row = new double[cells.Count];
                var equation = equations[e];
                if (hidden[equation.Total])
                {
                    row[column[equation.Total]] += 1;
                }
                foreach (var part in equation.Parts.Where(p => hidden[p]))
                {
                    row[column[part]] -= 1;
                }
                return row;
            }).ToList();
            determined.AddRange(Pinned(matrix, cells.Count).Select(i => cells[i]));
        }
        return determined;
    }

    // Gauss–Jordan on a small matrix of −1/0/+1 coefficients; the pivot columns whose row holds no other
    // non-zero coefficient are determined.
    private static IEnumerable<int> Pinned(List<double[]> matrix, int columns)
    {
        const double Epsilon = 1e-9;
        var pivotRow = 0;
        var pivots = new List<(int Row, int Column)>();
        for (var c = 0; c < columns && pivotRow < matrix.Count; c++)
        {
            var best = Enumerable.Range(pivotRow, matrix.Count - pivotRow).OrderByDescending(r => Math.Abs(matrix[r][c])).First();
            if (Math.Abs(matrix[best][c]) < Epsilon)
            {
                continue;
            }
            (matrix[pivotRow], matrix[best]) = (matrix[best], matrix[pivotRow]);
            var pivot = matrix[pivotRow][c];
            for (var k = 0; k < columns; k++)
            {
                matrix[pivotRow][k] /= pivot;
            }
            for (var r = 0; r < matrix.Count; r++)
            {
                if (r != pivotRow && Math.Abs(matrix[r][c]) > Epsilon)
                {
                    var factor = matrix[r][c];
                    for (var k = 0; k < columns; k++)
                    {
                        matrix[r][k] -= factor * matrix[pivotRow][k];
                    }
                }
            }
            pivots.Add((pivotRow, c));
            pivotRow++;
        }
        return pivots.Where(p => Enumerable.Range(0, columns).All(k => k == p.Column || Math.Abs(matrix[p.Row][k]) < Epsilon)).Select(p => p.Column);
    }
}
