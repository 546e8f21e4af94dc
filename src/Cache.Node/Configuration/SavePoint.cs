using System.Globalization;

namespace Cache.Node.Configuration;

/// <summary>One of Redis' save points: snapshot when <see cref="Changes"/> writes happened within <see cref="Seconds"/>.</summary>
internal readonly record struct SavePoint(long Seconds, long Changes)
{
    /// <summary>Parses "seconds changes" pairs separated by spaces; "" is no point at all.</summary>
    public static bool TryParse(string text, out IReadOnlyList<SavePoint> points)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var list = new List<SavePoint>();
        points = list;
        if ((parts.Length & 1) != 0)
        {
            return false;
        }

        for (var i = 0; i < parts.Length; i += 2)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                || !long.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var changes)
                || seconds < 1 || changes < 0)
            {
                return false;
            }

            list.Add(new SavePoint(seconds, changes));
        }

        return true;
    }

    /// <summary>The points as CONFIG GET save shows them: "3600 1 300 100".</summary>
    public static string Format(IReadOnlyList<SavePoint> points) =>
        string.Join(' ', points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Seconds} {p.Changes}")));
}
