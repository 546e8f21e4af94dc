namespace Cache.Node.Commands;

/// <summary>Counters for INFO stats; updated with interlocked operations from any connection.</summary>
internal sealed class ServerStats
{
    private long _connectionsReceived;
    private long _commandsProcessed;
    private long _rejectedConnections;
    private long _protocolErrors;
    private long _netInputBytes;
    private long _netOutputBytes;
    private long _outputLimitDisconnections;

    public long ConnectionsReceived => Volatile.Read(ref _connectionsReceived);

    public long CommandsProcessed => Volatile.Read(ref _commandsProcessed);

    public long RejectedConnections => Volatile.Read(ref _rejectedConnections);

    public long ProtocolErrors => Volatile.Read(ref _protocolErrors);

    public long NetInputBytes => Volatile.Read(ref _netInputBytes);

    public long NetOutputBytes => Volatile.Read(ref _netOutputBytes);

    public void ConnectionReceived() => Interlocked.Increment(ref _connectionsReceived);

    public void CommandsExecuted(int count) => Interlocked.Add(ref _commandsProcessed, count);

    public void ConnectionRejected() => Interlocked.Increment(ref _rejectedConnections);

    public void ProtocolError() => Interlocked.Increment(ref _protocolErrors);

    /// <summary>Clients dropped for passing client-output-buffer-limit (slow subscribers).</summary>
    public long OutputBufferLimitDisconnections => Volatile.Read(ref _outputLimitDisconnections);

    public void OutputBufferLimitDisconnection() => Interlocked.Increment(ref _outputLimitDisconnections);

    /// <summary>CONFIG RESETSTAT: every counter back to zero.</summary>
    public void Reset()
    {
        Interlocked.Exchange(ref _connectionsReceived, 0);
        Interlocked.Exchange(ref _commandsProcessed, 0);
        Interlocked.Exchange(ref _rejectedConnections, 0);
        Interlocked.Exchange(ref _protocolErrors, 0);
        Interlocked.Exchange(ref _netInputBytes, 0);
        Interlocked.Exchange(ref _netOutputBytes, 0);
        Interlocked.Exchange(ref _outputLimitDisconnections, 0);
    }

    public void Traffic(long input, long output)
    {
        Interlocked.Add(ref _netInputBytes, input);
        Interlocked.Add(ref _netOutputBytes, output);
    }
}
