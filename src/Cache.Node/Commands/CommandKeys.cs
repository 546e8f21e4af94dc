using Cache.Node.Resp;

namespace Cache.Node.Commands;

/// <summary>
/// Where a command's keys are: its key specs, an optional custom finder, and the legacy
/// first/last/step range COMMAND INFO shows. Routing, GETKEYS and COMMAND INFO all read this.
/// </summary>
internal sealed class CommandKeys
{
    private readonly KeySpec[] _specs;

    /// <summary>The most common shape: one key, the first argument.</summary>
    public static CommandKeys FirstArgument(KeySpecFlags flags) => new([KeySpec.At(1, flags)]);

    public CommandKeys(KeySpec[] specs, CustomKeyFinder? finder = null)
    {
        _specs = specs;
        Finder = finder;
        // Movable by the specs alone, as Redis: a finder refines what the specs say (a spec it
        // completes is marked incomplete), so it does not make the command movable by itself.
        (FirstKey, LastKey, Step, IsMovable) = LegacyRange(specs);
        HasKeys = finder is not null || Array.Exists(specs, s => (s.Flags & KeySpecFlags.NotKey) == 0);
    }

    /// <summary>A command without keys.</summary>
    public static CommandKeys None { get; } = new([]);

    public IReadOnlyList<KeySpec> Specs => _specs;

    public CustomKeyFinder? Finder { get; }

    /// <summary>Whether any spec (or the finder) names real keys, as COMMAND GETKEYS asks.</summary>
    public bool HasKeys { get; }

    /// <summary>Whether first/last/step miss some keys (Redis' movablekeys): ask <see cref="GetKeyPositions"/>.</summary>
    public bool IsMovable { get; }

    /// <summary>Legacy range: the first key's index, 0 without keys.</summary>
    public int FirstKey { get; }

    /// <summary>Legacy range: the last key's index, negative counting from the end.</summary>
    public int LastKey { get; }

    public int Step { get; }

    /// <summary>One key spec and no finder.</summary>
    public static CommandKeys Of(KeySpec spec) => new([spec]);

    /// <summary>
    /// The argument indexes of <paramref name="request"/>'s keys (the command name is index 0), in
    /// spec order, without allocating. Writes up to <c>positions.Length</c> of them (and their
    /// flags, where <paramref name="flags"/> has room) and returns how many there are, so a caller
    /// whose span was short can ask again with a longer one; -1 when the arguments contradict a spec.
    /// Specs marked <see cref="KeySpecFlags.NotKey"/> are left out.
    /// </summary>
    public int GetKeyPositions(in RespRequest request, Span<int> positions, Span<KeySpecFlags> flags = default)
    {
        if (Finder is not null)
        {
            return Finder(request, positions, flags);
        }

        var found = 0;
        foreach (var spec in _specs)
        {
            if ((spec.Flags & KeySpecFlags.NotKey) != 0)
            {
                continue;
            }

            var located = spec.TryLocate(request, out var first, out var last, out var step);
            if (located is null)
            {
                return -1;
            }

            if (located == false)
            {
                continue;
            }

            for (var i = first; i <= last; i += step)
            {
                if (found < positions.Length)
                {
                    positions[found] = i;
                }

                if (found < flags.Length)
                {
                    flags[found] = spec.Flags;
                }

                found++;
            }
        }

        return found;
    }

    /// <summary>
    /// first/last/step as Redis 7 shows them: a lone index-and-range spec as it is; several such
    /// specs with step 1 that follow each other merged into one range; anything else left out and
    /// the command marked movable.
    /// </summary>
    private static (int First, int Last, int Step, bool Movable) LegacyRange(KeySpec[] specs)
    {
        if (specs.Length == 0)
        {
            return (0, 0, 0, false);
        }

        if (specs.Length == 1 && specs[0].IsIndexRange)
        {
            var only = specs[0];
            return (only.Begin.Index, AbsoluteLast(only), only.Find.KeyStep, (only.Flags & KeySpecFlags.Incomplete) != 0);
        }

        var movable = false;
        var first = int.MaxValue;
        var last = 0;
        var previousLast = 0;
        foreach (var spec in specs)
        {
            if (!spec.IsIndexRange || spec.Find.KeyStep != 1 || (previousLast != 0 && previousLast != spec.Begin.Index - 1))
            {
                movable = true;
                continue;
            }

            movable |= (spec.Flags & KeySpecFlags.Incomplete) != 0;
            first = Math.Min(first, spec.Begin.Index);

            // Compared unsigned: a last counted from the end (negative) reaches further than any fixed one.
            last = (int)Math.Max((uint)last, (uint)AbsoluteLast(spec));
            previousLast = last;
        }

        return first == int.MaxValue ? (0, 0, 0, true) : (first, last, 1, movable);
    }

    private static int AbsoluteLast(KeySpec spec) => spec.Find.LastKey < 0 ? spec.Find.LastKey : spec.Begin.Index + spec.Find.LastKey;
}
