namespace Cache.Node.Tests.Cluster.Faults;

/// <summary>A fact that needs network namespaces: skipped, saying why, when not root or without iproute2's ip and tc.</summary>
public sealed class NetnsFactAttribute : FactAttribute
{
    public NetnsFactAttribute()
    {
        if (NetworkLab.Unavailable() is { } reason)
        {
            Skip = reason;
        }
    }
}
