using Cache.Gossip.Protocol;

namespace Cache.Gossip;

// One outstanding ping: our own probe of a target, or a relay of someone's indirect probe.
internal sealed class AckHandler
{
    public bool IsRelay;
    public NodeState? Target;
    public bool Acked;
    public int Nacks;
    public int ExpectedNacks;
    public uint OriginalSeq;
    public string RequesterAddress = "";
    public bool WantNack;
    public ITimer? Timer;
    public ITimer? DeadlineTimer;
}
