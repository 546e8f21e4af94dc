using System.Globalization;

namespace Cache.Node.Configuration;

/// <summary>Parses Redis memory sizes: "512mb", "1gb", "100k", "4096".</summary>
internal static class MemorySize
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim().ToLowerInvariant();
        long unit = 1;
        (string Suffix, long Multiplier)[] units =
        [
            ("gb", 1L << 30), ("mb", 1L << 20), ("kb", 1L << 10), ("g", 1_000_000_000), ("m", 1_000_000), ("k", 1000), ("b", 1),
        ];
        foreach (var (suffix, multiplier) in units)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                unit = multiplier;
                s = s[..^suffix.Length];
                break;
            }
        }

        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > long.MaxValue / unit)
        {
            return false;
        }

        bytes = value * unit;
        return true;
    }
}
