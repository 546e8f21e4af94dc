namespace Cache.Gossip.Wire;

/// <summary>State of a member as this node sees it.</summary>
public enum MemberState : byte
{
    /// <summary>Answering probes.</summary>
    Alive = 0,
    /// <summary>Missed a probe; will be declared dead unless it refutes.</summary>
    Suspect = 1,
    /// <summary>Declared failed.</summary>
    Dead = 2,
    /// <summary>Left gracefully.</summary>
    Left = 3,
}
