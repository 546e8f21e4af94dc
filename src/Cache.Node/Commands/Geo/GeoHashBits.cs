namespace Cache.Node.Commands;

/// <summary>A geohash cell: its interleaved bits and how many steps (bits per axis) it has. Zero bits and step mark "no cell".</summary>
internal readonly record struct GeoHashBits(ulong Bits, int Step)
{
    public bool IsZero => Bits == 0 && Step == 0;
}
