using Cache.Node.Cluster;

namespace Cache.Node.Commands;

/// <summary>A peer connection's large values in transit, in bounded pieces (GOSSIPCACHE PIECE and PUTPIECE).</summary>
internal sealed partial class ClientSession
{
    private PeerPieces? _pieces;

    /// <summary>The values this connection's pages offered in pieces, and the one being assembled from pushed pieces.</summary>
    public PeerPieces Pieces => _pieces ??= new PeerPieces();
}
