using System.Collections;
using System.Collections.Immutable;

namespace Cache.Gossip;

/// <summary>
/// Immutable, versioned view of the membership. The node publishes a new instance per change;
/// readers never lock and see increasing versions.
/// </summary>
public sealed class MembershipSnapshot : IReadOnlyCollection<Member>
{
    /// <summary>The empty snapshot, version 0.</summary>
    public static readonly MembershipSnapshot Empty = new(0, ImmutableSortedDictionary<string, Member>.Empty.WithComparers(StringComparer.Ordinal));

    private readonly ImmutableSortedDictionary<string, Member> _members;

    internal MembershipSnapshot(long version, ImmutableSortedDictionary<string, Member> members)
    {
        Version = version;
        _members = members;
    }

    /// <summary>Increases with every published change.</summary>
    public long Version { get; }

    /// <summary>Number of members of any state (dead and left ones until they are reaped).</summary>
    public int Count => _members.Count;

    /// <summary>Number of members alive or suspected.</summary>
    public int LiveCount
    {
        get
        {
            int n = 0;
            foreach (var m in _members.Values)
                if (m.State is MemberState.Alive or MemberState.Suspect) n++;
            return n;
        }
    }

    /// <summary>Counts members in one state.</summary>
    public int CountIn(MemberState state)
    {
        int n = 0;
        foreach (var m in _members.Values)
            if (m.State == state) n++;
        return n;
    }

    /// <summary>Finds a member by name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Member member) =>
        _members.TryGetValue(name, out member);

    /// <summary>The member with this name, or null.</summary>
    public Member? this[string name] => _members.TryGetValue(name, out var m) ? m : null;

    internal MembershipSnapshot With(Member member) => new(Version + 1, _members.SetItem(member.Name, member));

    internal MembershipSnapshot Without(string name) => new(Version + 1, _members.Remove(name));

    /// <summary>Members ordered by name.</summary>
    public IEnumerator<Member> GetEnumerator() => _members.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
