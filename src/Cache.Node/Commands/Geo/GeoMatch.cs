namespace Cache.Node.Commands;

/// <summary>One member a GEO search found: its point, distance (metres, then the reply's unit), score and where its name sits in the match buffer.</summary>
internal struct GeoMatch
{
    public double Longitude;
    public double Latitude;
    public double Distance;
    public double Score;
    public int MemberStart;
    public int MemberLength;
}
