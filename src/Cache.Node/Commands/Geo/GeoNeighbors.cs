namespace Cache.Node.Commands;

/// <summary>The eight cells around a geohash cell; a search zeroes those it does not need.</summary>
internal struct GeoNeighbors
{
    public GeoHashBits North;
    public GeoHashBits South;
    public GeoHashBits East;
    public GeoHashBits West;
    public GeoHashBits NorthEast;
    public GeoHashBits NorthWest;
    public GeoHashBits SouthEast;
    public GeoHashBits SouthWest;
}
