namespace Cache.Gossip.Protocol;

/// <summary>
/// Lifeguard local health: a score in [0, max-1] raised by missed acks/nacks and refutations,
/// lowered by successful probes; timeouts and the probe interval scale by (score + 1).
/// </summary>
internal sealed class Awareness
{
    private readonly int _max;

    public Awareness(int max) => _max = max;

    public int Score { get; private set; }

    public void Apply(int delta) => Score = Math.Clamp(Score + delta, 0, _max - 1);

    public TimeSpan Scale(TimeSpan timeout) => timeout * (Score + 1);
}
