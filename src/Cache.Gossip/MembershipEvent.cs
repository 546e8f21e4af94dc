namespace Cache.Gossip;

/// <summary>One membership change, with the snapshot version it produced.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Member">The member after the change.</param>
/// <param name="Version">Version of the snapshot that includes the change.</param>
public sealed record MembershipEvent(MembershipEventKind Kind, Member Member, long Version);
