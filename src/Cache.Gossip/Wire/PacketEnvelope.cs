using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Cache.Gossip.Wire;

/// <summary>
/// The outer frame of every packet and stream message (wire version 2):
/// magic 'G', version, flags (1 = encrypted, 2 = labelled, 4 = deflated), [label length, label], then
/// either crc32 + body (plain), or sender length, sender, sequence (u64 LE), nonce,
/// AES-GCM(crc32 + body), tag (encrypted). Everything before the nonce is the associated data, so the
/// cluster label, the sender and the sequence cannot be rewritten without failing authentication; the
/// receiver checks the sequence against its <see cref="ReplayGuard"/>. A deflated body is checksummed as
/// sent and inflated only after the checks, and only when its inflated size is within the caller's limit.
/// </summary>
internal static class PacketEnvelope
{
    public const byte Magic = 0x47;
    public const byte Version = 2;
    public const byte FlagEncrypted = 1;
    public const byte FlagLabelled = 2;
    public const byte FlagDeflated = 4;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    public const int SequenceSize = 8;

    /// <summary>Largest body a datagram may inflate to (a UDP payload is below 64 KiB).</summary>
    public const int MaxPacketBody = 64 * 1024;

    /// <summary>Largest body a stream message may inflate to (the stream frame limit).</summary>
    public const int MaxStreamBody = 16 * 1024 * 1024;

    private static readonly ConditionalWeakTable<byte[], AesGcm> Ciphers = new();
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Bytes the envelope adds around a body.</summary>
    public static int Overhead(int labelBytes, bool encrypted, int senderBytes = 0) =>
        3 + (labelBytes > 0 ? 1 + labelBytes : 0) + 4 + (encrypted ? 1 + senderBytes + SequenceSize + NonceSize + TagSize : 0);

    /// <summary>Seals without a sender (tests and benchmarks; a node always names itself).</summary>
    public static byte[] Seal(ReadOnlySpan<byte> body, byte[] label, Keyring? keyring, bool deflate) =>
        Seal(body, label, keyring, [], 0, deflate);

    /// <summary>Seals without a sender (tests and benchmarks; a node always names itself).</summary>
    public static byte[] Seal(ReadOnlySpan<byte> body, byte[] label, Keyring? keyring, byte extraFlags = 0) =>
        Seal(body, label, keyring, [], 0, extraFlags);

    /// <summary>Seals a body, deflating it first when asked and when that makes it smaller.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> body, byte[] label, Keyring? keyring, byte[] sender, ulong sequence, bool deflate)
    {
        if (!deflate)
        {
            return Seal(body, label, keyring, sender, sequence);
        }

        var packed = Deflate(body);
        return packed.Length < body.Length
            ? Seal(packed, label, keyring, sender, sequence, FlagDeflated)
            : Seal(body, label, keyring, sender, sequence);
    }

    public static byte[] Seal(ReadOnlySpan<byte> body, byte[] label, Keyring? keyring, byte[] sender, ulong sequence, byte extraFlags = 0)
    {
        var key = keyring?.PrimaryKey;
        var encrypted = key is not null;
        var labelEnd = 3 + (label.Length > 0 ? 1 + label.Length : 0);
        var packet = new byte[Overhead(label.Length, encrypted, sender.Length) + body.Length];
        packet[0] = Magic;
        packet[1] = Version;
        packet[2] = (byte)((encrypted ? FlagEncrypted : 0) | (label.Length > 0 ? FlagLabelled : 0) | extraFlags);
        if (label.Length > 0)
        {
            packet[3] = (byte)label.Length;
            label.CopyTo(packet.AsSpan(4));
        }

        if (!encrypted)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(labelEnd), Crc32.HashToUInt32(body));
            body.CopyTo(packet.AsSpan(labelEnd + 4));
            return packet;
        }

        packet[labelEnd] = (byte)sender.Length;
        sender.CopyTo(packet.AsSpan(labelEnd + 1));
        var headerLen = labelEnd + 1 + sender.Length + SequenceSize;
        BinaryPrimitives.WriteUInt64LittleEndian(packet.AsSpan(headerLen - SequenceSize), sequence);
        var plainLen = 4 + body.Length;
        var nonce = packet.AsSpan(headerLen, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var cipher = packet.AsSpan(headerLen + NonceSize, plainLen);
        BinaryPrimitives.WriteUInt32LittleEndian(cipher, Crc32.HashToUInt32(body));
        body.CopyTo(cipher.Slice(4));
        var tag = packet.AsSpan(headerLen + NonceSize + plainLen, TagSize);
        var aes = CipherFor(key!);
        lock (aes)
        {
            aes.Encrypt(nonce, cipher, cipher, tag, packet.AsSpan(0, headerLen));
        }

        return packet;
    }

    /// <summary>Opens with the stream limit and discards the origin (tests and benchmarks).</summary>
    public static bool TryOpen(ReadOnlyMemory<byte> packet, byte[] label, Keyring? keyring, out ReadOnlyMemory<byte> body, out DropReason reason) =>
        TryOpen(packet, label, keyring, MaxStreamBody, out body, out _, out reason);

    /// <summary>
    /// Validates the envelope and returns the body (a slice of the packet when plain, a new array when
    /// encrypted or deflated) and, for an encrypted packet, its authenticated sender and sequence.
    /// Nothing is allocated from a length field before it is checked against the bytes present.
    /// </summary>
    public static bool TryOpen(ReadOnlyMemory<byte> packet, byte[] label, Keyring? keyring, int maxBody,
        out ReadOnlyMemory<byte> body, out PacketOrigin origin, out DropReason reason)
    {
        body = default;
        origin = default;
        var span = packet.Span;
        if (span.Length < 3) { reason = DropReason.Truncated; return false; }

        if (span[0] != Magic) { reason = DropReason.BadMagic; return false; }

        if (span[1] != Version) { reason = DropReason.UnsupportedVersion; return false; }

        var flags = span[2];
        if ((flags & ~(FlagEncrypted | FlagLabelled | FlagDeflated)) != 0) { reason = DropReason.Malformed; return false; }

        var pos = 3;
        ReadOnlySpan<byte> packetLabel = default;
        if ((flags & FlagLabelled) != 0)
        {
            if (span.Length < 4 || span.Length < 4 + span[3]) { reason = DropReason.Truncated; return false; }

            packetLabel = span.Slice(4, span[3]);
            pos = 4 + span[3];
        }

        if (!packetLabel.SequenceEqual(label)) { reason = DropReason.LabelMismatch; return false; }

        var encrypted = (flags & FlagEncrypted) != 0;
        var keyed = keyring is { IsEnabled: true };
        // No downgrade: once a key is installed, a plain packet is refused whatever it says.
        if (keyed && !encrypted) { reason = DropReason.Unencrypted; return false; }

        if (!keyed && encrypted) { reason = DropReason.UnexpectedEncryption; return false; }

        if (!encrypted)
        {
            if (span.Length < pos + 4) { reason = DropReason.Truncated; return false; }

            var crc = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(pos));
            body = packet.Slice(pos + 4);
            if (Crc32.HashToUInt32(body.Span) != crc) { reason = DropReason.BadChecksum; body = default; return false; }

            return Inflated(flags, maxBody, ref body, out reason);
        }

        if (span.Length < pos + 1 || span.Length < pos + 1 + span[pos] + SequenceSize) { reason = DropReason.Truncated; return false; }

        var sender = span.Slice(pos + 1, span[pos]);
        pos += 1 + sender.Length + SequenceSize;
        var sequence = BinaryPrimitives.ReadUInt64LittleEndian(span.Slice(pos - SequenceSize));
        var plainLen = span.Length - pos - NonceSize - TagSize;
        if (plainLen < 4) { reason = DropReason.Truncated; return false; }

        var nonce = span.Slice(pos, NonceSize);
        var cipher = span.Slice(pos + NonceSize, plainLen);
        var tag = span.Slice(pos + NonceSize + plainLen, TagSize);
        var header = span.Slice(0, pos);
        var plain = new byte[plainLen]; // bounded by the packet actually received
        foreach (var key in keyring!.Keys)
        {
            var aes = CipherFor(key);
            try
            {
                lock (aes)
                {
                    aes.Decrypt(nonce, cipher, tag, plain, header);
                }
            }
            catch (AuthenticationTagMismatchException)
            {
                continue;
            }

            var crc = BinaryPrimitives.ReadUInt32LittleEndian(plain);
            if (Crc32.HashToUInt32(plain.AsSpan(4)) != crc) { reason = DropReason.BadChecksum; return false; }

            string senderName;
            try
            {
                senderName = StrictUtf8.GetString(sender);
            }
            catch (DecoderFallbackException)
            {
                reason = DropReason.Malformed;
                return false;
            }

            origin = new PacketOrigin(senderName, sequence);
            body = plain.AsMemory(4);
            return Inflated(flags, maxBody, ref body, out reason);
        }

        reason = DropReason.DecryptFailed;
        return false;
    }

    public static byte[] LabelBytes(string label) => Encoding.UTF8.GetBytes(label);

    private static bool Inflated(byte flags, int maxBody, ref ReadOnlyMemory<byte> body, out DropReason reason)
    {
        reason = default;
        if ((flags & FlagDeflated) == 0)
        {
            return true;
        }

        if (!Inflater.TryInflate(body, maxBody, out var inflated, out reason))
        {
            body = default;
            return false;
        }

        body = inflated;
        return true;
    }

    private static byte[] Deflate(ReadOnlySpan<byte> body)
    {
        using var output = new MemoryStream(body.Length / 2 + 64);
        using (var deflater = new System.IO.Compression.DeflateStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            deflater.Write(body);
        }

        return output.ToArray();
    }

    private static AesGcm CipherFor(byte[] key) => Ciphers.GetValue(key, k => new AesGcm(k, TagSize));
}
