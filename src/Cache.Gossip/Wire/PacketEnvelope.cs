using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Cache.Gossip.Wire;

/// <summary>
/// The outer frame of every packet and stream message:
/// magic 'G', version, flags (1 = encrypted, 2 = labelled, 4 = deflated), [label], then either
/// crc32 + body, or nonce + AES-GCM(crc32 + body) + tag with the header as associated data.
/// A deflated body is checksummed as sent and inflated after the checks, at most <see cref="MaxInflated"/> bytes.
/// </summary>
internal static class PacketEnvelope
{
    public const byte Magic = 0x47;
    public const byte Version = 1;
    public const byte FlagEncrypted = 1;
    public const byte FlagLabelled = 2;
    public const byte FlagDeflated = 4;
    public const int MaxInflated = 16 * 1024 * 1024;
    public const int NonceSize = 12;
    public const int TagSize = 16;

    private static readonly ConditionalWeakTable<byte[], AesGcm> Ciphers = new();

    /// <summary>Bytes the envelope adds around a body.</summary>
    public static int Overhead(int labelBytes, bool encrypted) =>
        3 + (labelBytes > 0 ? 1 + labelBytes : 0) + 4 + (encrypted ? NonceSize + TagSize : 0);

    /// <summary>Seals a body, deflating it first when asked and when that makes it smaller.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> body, byte[] label, Keyring? keyring, bool deflate)
    {
        if (!deflate)
        {
            return Seal(body, label, keyring);
        }

        var packed = Deflate(body);
        return packed.Length < body.Length ? Seal(packed, label, keyring, FlagDeflated) : Seal(body, label, keyring);
    }

    public static byte[] Seal(ReadOnlySpan<byte> body, byte[] label, Keyring? keyring, byte extraFlags = 0)
    {
        var key = keyring?.PrimaryKey;
        var headerLen = 3 + (label.Length > 0 ? 1 + label.Length : 0);
        var packet = new byte[Overhead(label.Length, key is not null) + body.Length];
        packet[0] = Magic;
        packet[1] = Version;
        packet[2] = (byte)((key is not null ? FlagEncrypted : 0) | (label.Length > 0 ? FlagLabelled : 0) | extraFlags);
        if (label.Length > 0)
        {
            packet[3] = (byte)label.Length;
            label.CopyTo(packet.AsSpan(4));
        }

        if (key is null)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(packet.AsSpan(headerLen), Crc32.HashToUInt32(body));
            body.CopyTo(packet.AsSpan(headerLen + 4));
            return packet;
        }

        var plainLen = 4 + body.Length;
        var nonce = packet.AsSpan(headerLen, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var cipher = packet.AsSpan(headerLen + NonceSize, plainLen);
        BinaryPrimitives.WriteUInt32LittleEndian(cipher, Crc32.HashToUInt32(body));
        body.CopyTo(cipher.Slice(4));
        var tag = packet.AsSpan(headerLen + NonceSize + plainLen, TagSize);
        var aes = CipherFor(key);
        lock (aes)
        {
            aes.Encrypt(nonce, cipher, cipher, tag, packet.AsSpan(0, headerLen));
        }

        return packet;
    }

    /// <summary>Validates the envelope and returns the body (a slice of the packet when plain, a new array when encrypted).</summary>
    public static bool TryOpen(ReadOnlyMemory<byte> packet, byte[] label, Keyring? keyring, out ReadOnlyMemory<byte> body, out DropReason reason)
    {
        body = default;
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
        if (keyed && !encrypted) { reason = DropReason.Unencrypted; return false; }

        if (!keyed && encrypted) { reason = DropReason.UnexpectedEncryption; return false; }

        if (!encrypted)
        {
            if (span.Length < pos + 4) { reason = DropReason.Truncated; return false; }

            var crc = BinaryPrimitives.ReadUInt32LittleEndian(span.Slice(pos));
            body = packet.Slice(pos + 4);
            if (Crc32.HashToUInt32(body.Span) != crc) { reason = DropReason.BadChecksum; body = default; return false; }

            return Inflated(flags, ref body, out reason);
        }

        var plainLen = span.Length - pos - NonceSize - TagSize;
        if (plainLen < 4) { reason = DropReason.Truncated; return false; }

        var nonce = span.Slice(pos, NonceSize);
        var cipher = span.Slice(pos + NonceSize, plainLen);
        var tag = span.Slice(pos + NonceSize + plainLen, TagSize);
        var header = span.Slice(0, pos);
        var plain = new byte[plainLen];
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

            body = plain.AsMemory(4);
            return Inflated(flags, ref body, out reason);
        }

        reason = DropReason.DecryptFailed;
        return false;
    }

    private static bool Inflated(byte flags, ref ReadOnlyMemory<byte> body, out DropReason reason)
    {
        reason = default;
        if ((flags & FlagDeflated) == 0)
        {
            return true;
        }

        try
        {
            using var input = new MemoryStream(body.ToArray(), writable: false);
            using var inflater = new System.IO.Compression.DeflateStream(input, System.IO.Compression.CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                if (output.Length + read > MaxInflated) { reason = DropReason.Malformed; body = default; return false; }

                output.Write(buffer, 0, read);
            }

            body = output.ToArray();
            return true;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException) // not a deflate stream
        {
            reason = DropReason.Malformed;
            body = default;
            return false;
        }
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

    public static byte[] LabelBytes(string label) => Encoding.UTF8.GetBytes(label);

    private static AesGcm CipherFor(byte[] key) => Ciphers.GetValue(key, k => new AesGcm(k, TagSize));
}
