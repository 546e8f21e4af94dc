using System.Collections.Immutable;
using System.Security.Cryptography;

namespace Cache.Gossip.Wire;

/// <summary>
/// AES-GCM keys for gossip encryption. The primary key encrypts; every installed key is tried to
/// decrypt, so a cluster rotates keys without downtime: install the new key everywhere, use it
/// everywhere, then remove the old one.
/// </summary>
public sealed class Keyring
{
    private ImmutableArray<byte[]> _keys = ImmutableArray<byte[]>.Empty;

    /// <summary>Creates a keyring, optionally with a primary key.</summary>
    public Keyring(byte[]? primaryKey = null)
    {
        if (primaryKey is not null)
        {
            Use(primaryKey);
        }
    }

    /// <summary>Whether any key is installed (then plain packets are refused).</summary>
    public bool IsEnabled => !_keys.IsEmpty;

    /// <summary>Installed keys, primary first.</summary>
    public ImmutableArray<byte[]> Keys => _keys;

    /// <summary>The key that encrypts, or null.</summary>
    public byte[]? PrimaryKey => _keys.IsEmpty ? null : _keys[0];

    /// <summary>Adds a key that will be tried for decryption.</summary>
    public void Install(byte[] key)
    {
        ValidateKey(key);
        ImmutableInterlocked.Update(ref _keys, (keys, k) => IndexOf(keys, k) >= 0 ? keys : keys.Add((byte[])k.Clone()), key);
    }

    /// <summary>Makes a key (installing it if needed) the primary one.</summary>
    public void Use(byte[] key)
    {
        ValidateKey(key);
        ImmutableInterlocked.Update(ref _keys, (keys, k) =>
        {
            var i = IndexOf(keys, k);
            var copy = i >= 0 ? keys[i] : (byte[])k.Clone();
            return (i >= 0 ? keys.RemoveAt(i) : keys).Insert(0, copy);
        }, key);
    }

    /// <summary>Removes a non-primary key.</summary>
    public void Remove(byte[] key)
    {
        ImmutableInterlocked.Update(ref _keys, (keys, k) =>
        {
            var i = IndexOf(keys, k);
            if (i == 0)
            {
                throw new InvalidOperationException("The primary key cannot be removed; use another key first.");
            }

            return i > 0 ? keys.RemoveAt(i) : keys;
        }, key);
    }

    /// <summary>Throws unless the key has an AES length.</summary>
    public static void ValidateKey(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("A gossip key must be 16, 24 or 32 bytes.", nameof(key));
        }
    }

    private static int IndexOf(ImmutableArray<byte[]> keys, byte[] key)
    {
        for (var i = 0; i < keys.Length; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(keys[i], key))
            {
                return i;
            }
        }

        return -1;
    }
}
