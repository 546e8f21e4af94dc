using Microsoft.Extensions.Logging;

namespace Cache.Gossip;

// Source-generated log messages of the gossip node and its parts, with stable event ids (4000-4099).
internal static partial class GossipLog
{
    [LoggerMessage(4000, LogLevel.Information, "Gossip node {Name} listening on {Address}")]
    public static partial void Started(ILogger logger, string name, string address);

    [LoggerMessage(4001, LogLevel.Warning, "Gossip seed {Seed} could not be resolved: {Reason}")]
    public static partial void SeedUnresolved(ILogger logger, string seed, string reason);

    [LoggerMessage(4002, LogLevel.Warning, "No gossip seed reachable (attempt {Attempt}); retrying in {Delay}. Seeds are gossip addresses (a node's RESP port + 10000 unless it set --gossip-port), not RESP ports")]
    public static partial void JoinRetry(ILogger logger, int attempt, TimeSpan delay);

    [LoggerMessage(4003, LogLevel.Error, "No gossip seed reachable after {Attempts} attempts; running alone")]
    public static partial void JoinGaveUp(ILogger logger, int attempts);

    [LoggerMessage(4004, LogLevel.Information, "Gossip node {Name} leaving the cluster")]
    public static partial void Leaving(ILogger logger, string name);

    [LoggerMessage(4005, LogLevel.Warning, "Leave was not fully gossiped within {Timeout}")]
    public static partial void LeaveTimeout(ILogger logger, TimeSpan timeout);

    [LoggerMessage(4006, LogLevel.Warning, "Member {Name} claims address {New} but is alive at {Old}; ignored")]
    public static partial void AddressConflict(ILogger logger, string name, string old, string @new);

    [LoggerMessage(4007, LogLevel.Information, "{Self}: member {Name} suspected by {From}")]
    public static partial void Suspected(ILogger logger, string self, string name, string from);

    [LoggerMessage(4008, LogLevel.Information, "{Self}: member {Name} declared dead by {From}")]
    public static partial void Dead(ILogger logger, string self, string name, string from);

    [LoggerMessage(4012, LogLevel.Information, "{Self}: member {Name} left the cluster")]
    public static partial void Left(ILogger logger, string self, string name);

    [LoggerMessage(4013, LogLevel.Information, "{Self}: member {Name} joined at {Address}")]
    public static partial void Joined(ILogger logger, string self, string name, string address);

    [LoggerMessage(4009, LogLevel.Debug, "Push/pull with {Address} failed")]
    public static partial void PushPullFailed(ILogger logger, string address);

    [LoggerMessage(4010, LogLevel.Error, "Gossip packet handler failed on a packet from {From}")]
    public static partial void HandlerFailed(ILogger logger, string from, Exception exception);

    [LoggerMessage(4014, LogLevel.Warning, "Dropped encrypted gossip stamped more than {Skew} from this node's clock ({Count} so far): members' clocks must agree within MaxClockSkew")]
    public static partial void StalePackets(ILogger logger, TimeSpan skew, long count);

    [LoggerMessage(4011, LogLevel.Error, "A membership listener threw")]
    public static partial void ListenerFailed(ILogger logger, Exception exception);
}
