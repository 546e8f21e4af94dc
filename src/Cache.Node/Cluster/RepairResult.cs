namespace Cache.Node.Cluster;

/// <summary>
/// What one anti-entropy exchange with a peer did: slots compared, slots found different, how
/// many of those were repaired now (the rest wait for the next round), entries merged here and
/// sent there, and the bytes both ways.
/// </summary>
internal readonly record struct RepairResult(int SlotsCompared, int SlotsDiffering, int SlotsRepaired, int Pulled, int Pushed, long Bytes)
{
    /// <summary>True when every shared slot matched, or every differing one was repaired.</summary>
    public bool Complete => SlotsRepaired == SlotsDiffering;
}
