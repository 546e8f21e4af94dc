namespace Cache.Node.Background;

/// <summary>The node's work that runs off the command path, named in the one log line a failure of it gets.</summary>
internal enum BackgroundWork
{
    AntiEntropy,
    HandOff,
    ActiveExpiry,
    RingRebuild,
    MembershipStart,
    Replication,
    ServerCron,
}
