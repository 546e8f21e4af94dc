using System.Buffers;

namespace Cache.Node.Resp;

/// <summary>What one parse attempt found.</summary>
internal enum ParseStatus
{
    /// <summary>A whole command was parsed (it may have zero arguments: an empty line or <c>*0</c>).</summary>
    Complete,

    /// <summary>More bytes are needed; nothing is wrong.</summary>
    Incomplete,

    /// <summary>The bytes break the protocol; <see cref="RequestParser.Error"/> says how. The connection must close.</summary>
    ProtocolError,
}

/// <summary>
/// Per-connection, resumable RESP request parser. It parses multibulk (<c>*N $len ...</c>)
/// and inline commands straight from the pipe's first segment; a frame that crosses segments
/// is copied, as its bytes arrive, into one scratch buffer. Memory is committed only for bytes
/// that have arrived, never from a declared length. A partial frame is never an exception:
/// the parser remembers where it stopped and how many bytes the frame needs at least.
/// </summary>
internal sealed partial class RequestParser(ProtocolLimits limits)
{
    private ArgRange[] _args = new ArgRange[8];
    private int _argCount;
    private long _expected = -1;      // declared argument count; -1 while the header is unread
    private int _offset;              // bytes of the current frame already parsed
    private long _pendingBulk = -1;   // length of the bulk whose data starts at _offset, or -1
    private long _needTotal;          // the frame cannot be complete with fewer buffered bytes

    private byte[] _scratch = [];
    private int _scratchLength;
    private bool _inScratch;
    private byte[] _inline = [];

    /// <summary>Use the small pre-authentication limits (a password is set and not yet given).</summary>
    public bool Unauthenticated { get; set; }

    /// <summary>The protocol error text (without the leading "ERR "), after <see cref="ParseStatus.ProtocolError"/>.</summary>
    public string Error { get; private set; } = "";

    /// <summary>
    /// Tries to parse the next command at the start of <paramref name="buffer"/>. On
    /// <see cref="ParseStatus.Complete"/>, <paramref name="frameLength"/> bytes belong to it and
    /// <paramref name="request"/> is valid until the next call.
    /// </summary>
    public ParseStatus TryParse(ReadOnlySequence<byte> buffer, out RespRequest request, out int frameLength)
    {
        request = default;
        frameLength = 0;
        if (buffer.Length < _needTotal || buffer.IsEmpty)
        {
            return ParseStatus.Incomplete;
        }

        if (!_inScratch)
        {
            var span = buffer.FirstSpan;
            var status = ParseFrom(span);
            if (status == ParseStatus.Complete)
            {
                return Finish(span, out request, out frameLength);
            }

            if (status == ParseStatus.ProtocolError || span.Length == buffer.Length)
            {
                return status;
            }

            // The frame runs past the first segment: continue on a contiguous copy.
            _inScratch = true;
            _scratchLength = 0;
        }

        while (true)
        {
            var target = Math.Min(buffer.Length, Math.Max(_needTotal, _scratchLength + 4096L));
            if (target > _scratchLength)
            {
                EnsureScratch((int)target);
                buffer.Slice(_scratchLength, target - _scratchLength).CopyTo(_scratch.AsSpan(_scratchLength));
                _scratchLength = (int)target;
            }

            var data = _scratch.AsSpan(0, _scratchLength);
            var status = ParseFrom(data);
            if (status == ParseStatus.Complete)
            {
                _inScratch = false;
                return Finish(data, out request, out frameLength);
            }

            if (status == ParseStatus.ProtocolError || _scratchLength >= buffer.Length)
            {
                return status;
            }
        }
    }

    /// <summary>Drops oversized buffers once a large frame has been handled.</summary>
    public void TrimBuffers()
    {
        if (!_inScratch && _scratch.Length > 64 * 1024)
        {
            _scratch = [];
        }

        if (_inline.Length > 64 * 1024)
        {
            _inline = [];
        }

        if (_args.Length > 1024 && _argCount == 0)
        {
            _args = new ArgRange[8];
        }
    }

    private ParseStatus Finish(ReadOnlySpan<byte> data, out RespRequest request, out int frameLength)
    {
        frameLength = _offset;
        request = _expected == -2
            ? new RespRequest(_inline, _args.AsSpan(0, _argCount))
            : new RespRequest(data, _args.AsSpan(0, _argCount));
        _argCount = 0;
        _expected = -1;
        _offset = 0;
        _pendingBulk = -1;
        _needTotal = 0;
        return ParseStatus.Complete;
    }

    private ParseStatus ParseFrom(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return NeedMore(1);
        }

        if (_expected < 0)
        {
            if (data[0] != (byte)'*')
            {
                return ParseInline(data);
            }

            var header = ReadHeaderNumber(data, 0, multibulk: true, out var count, out var next);
            if (header != ParseStatus.Complete)
            {
                return header;
            }

            if (count > limits.MaxMultiBulkLength)
            {
                return Fail("Protocol error: invalid multibulk length");
            }

            if (Unauthenticated && count > limits.UnauthenticatedMaxMultiBulkLength)
            {
                return Fail("Protocol error: unauthenticated multibulk length");
            }

            _offset = next;
            _expected = Math.Max(0, count);
        }

        while (_argCount < _expected)
        {
            if (_pendingBulk < 0)
            {
                if (_offset >= data.Length)
                {
                    return NeedMore(data.Length + 1);
                }

                if (data[_offset] != (byte)'$')
                {
                    return Fail($"Protocol error: expected '$', got '{(char)data[_offset]}'");
                }

                var header = ReadHeaderNumber(data, _offset, multibulk: false, out var length, out var next);
                if (header != ParseStatus.Complete)
                {
                    return header;
                }

                if (length < 0 || length > limits.MaxBulkLength || length > int.MaxValue - 64)
                {
                    return Fail("Protocol error: invalid bulk length");
                }

                if (Unauthenticated && length > limits.UnauthenticatedMaxBulkLength)
                {
                    return Fail("Protocol error: unauthenticated bulk length");
                }

                _offset = next;
                _pendingBulk = length;
            }

            var end = _offset + _pendingBulk + 2;
            if (end > data.Length)
            {
                return NeedMore(end);
            }

            if (_argCount == _args.Length)
            {
                Array.Resize(ref _args, _args.Length * 2);
            }

            _args[_argCount++] = new ArgRange(_offset, (int)_pendingBulk);
            _offset = (int)end;
            _pendingBulk = -1;
        }

        return ParseStatus.Complete;
    }

    private ParseStatus ReadHeaderNumber(ReadOnlySpan<byte> data, int start, bool multibulk, out long value, out int next)
    {
        value = 0;
        next = 0;
        var cr = data[(start + 1)..].IndexOf((byte)'\r');
        if (cr < 0 || start + 1 + cr + 1 >= data.Length)
        {
            if (data.Length - start > limits.MaxInlineLength)
            {
                return Fail(multibulk ? "Protocol error: too big mbulk count string" : "Protocol error: too big bulk count string");
            }

            return NeedMore(data.Length + 1);
        }

        if (!RespNumbers.TryParseInt64(data.Slice(start + 1, cr), out value))
        {
            return Fail(multibulk ? "Protocol error: invalid multibulk length" : "Protocol error: invalid bulk length");
        }

        next = start + 1 + cr + 2;
        return ParseStatus.Complete;
    }

    private ParseStatus NeedMore(long total)
    {
        _needTotal = total;
        return ParseStatus.Incomplete;
    }

    private ParseStatus Fail(string message)
    {
        Error = message;
        _argCount = 0;
        _expected = -1;
        _offset = 0;
        _pendingBulk = -1;
        _needTotal = 0;
        _inScratch = false;
        return ParseStatus.ProtocolError;
    }

    private void EnsureScratch(int size)
    {
        if (_scratch.Length >= size)
        {
            return;
        }

        var grown = new byte[Math.Max(size, Math.Min(int.MaxValue - 64, Math.Max(4096, _scratch.Length * 2L)))];
        _scratch.AsSpan(0, _scratchLength).CopyTo(grown);
        _scratch = grown;
    }
}
