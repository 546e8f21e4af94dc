namespace Cache.Gossip;

/// <summary>What happened to a member.</summary>
public enum MembershipEventKind
{
    /// <summary>A member became alive (new, or back after failure).</summary>
    Joined,
    /// <summary>A member's metadata or address changed.</summary>
    Updated,
    /// <summary>A member is suspected.</summary>
    Suspected,
    /// <summary>A suspected member refuted and is alive again.</summary>
    Recovered,
    /// <summary>A member was declared dead.</summary>
    Failed,
    /// <summary>A member left gracefully.</summary>
    Left,
    /// <summary>A dead or left member was removed from the list.</summary>
    Removed,
}
