using System.Collections;
using System.Collections.Immutable;
using Cache.Gossip.Wire;

namespace Cache.Gossip;

/// <summary>
/// Immutable, versioned view of the membership. The node publishes a new instance per change;
/// readers never lock and see increasing versions.
/// </summary>
public sealed class MembershipSnapshot : IReadOnlyCollection<Member>
{
    /// <summary>The empty snapshot, version 0.</summary>
    public static readonly MembershipSnapshot Empty = new(0, ImmutableSortedDictionary<string, Member>.Empty.WithComparers(StringComparer.Ordinal), new int[4]);

    private readonly ImmutableSortedDictionary<string, Member> _members;
    private readonly int[] _counts; // members per state, kept incrementally so counting is O(1)

    private MembershipSnapshot(long version, ImmutableSortedDictionary<string, Member> members, int[] counts)
    {
        Version = version;
        _members = members;
        _counts = counts;
    }

    /// <summary>Increases with every published change.</summary>
    public long Version { get; }

    /// <summary>Number of members of any state (dead and left ones until they are reaped).</summary>
    public int Count => _members.Count;

    /// <summary>Number of members alive or suspected.</summary>
    public int LiveCount => _counts[(int)MemberState.Alive] + _counts[(int)MemberState.Suspect];

    /// <summary>Counts members in one state.</summary>
    public int CountIn(MemberState state) => _counts[(int)state];

    /// <summary>Finds a member by name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Member member) =>
        _members.TryGetValue(name, out member);

    /// <summary>The member with this name, or null.</summary>
    public Member? this[string name] => _members.TryGetValue(name, out var m) ? m : null;

    internal MembershipSnapshot With(Member member)
    {
        var counts = (int[])_counts.Clone();
        if (_members.TryGetValue(member.Name, out var old))
        {
            counts[(int)old.State]--;
        }

        counts[(int)member.State]++;
        return new(Version + 1, _members.SetItem(member.Name, member), counts);
    }

    internal MembershipSnapshot Without(string name)
    {
        if (!_members.TryGetValue(name, out var old))
        {
            return new(Version + 1, _members, _counts);
        }

        var counts = (int[])_counts.Clone();
        counts[(int)old.State]--;
        return new(Version + 1, _members.Remove(name), counts);
    }

    /// <summary>Members ordered by name.</summary>
    public IEnumerator<Member> GetEnumerator() => _members.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
