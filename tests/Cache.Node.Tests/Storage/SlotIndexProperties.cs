using System.Text;
using Cache.Gossip.Ring;
using Cache.Node.Storage;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// The index by cluster hash slot (a cluster node's): after any adds, deletes and clears it lists
/// exactly each slot's keys, and paged exports miss no key that lived through the whole export.
/// </summary>
public sealed class SlotIndexProperties
{
    // Keys with hash tags share slots, so chains hold several entries.
    private static string Key(int i) => i % 3 == 0 ? $"{{tag{i % 4}}}k{i}" : $"k{i}";

    [Property(MaxTest = 200)]
    public Property The_index_lists_exactly_each_slots_keys(int seed) =>
        WithKeys(seed, (keys, model, random) =>
        {
            for (var step = 0; step < 600; step++)
            {
                var key = Key(random.Next(300));
                switch (random.Next(20))
                {
                    case < 12:
                        keys.SetString(Encoding.ASCII.GetBytes(key), "v"u8);
                        model.Add(key);
                        break;
                    case < 19:
                        keys.Delete(Encoding.ASCII.GetBytes(key));
                        model.Remove(key);
                        break;
                    default:
                        keys.Clear();
                        model.Clear();
                        break;
                }
            }

            return model.GroupBy(k => HashSlot.ForKey(Encoding.ASCII.GetBytes(k))).All(group =>
            {
                var listed = new List<byte[]>();
                keys.KeysInSlot(group.Key, long.MaxValue, listed);
                return listed.Select(Encoding.ASCII.GetString).Order().SequenceEqual(group.Order())
                    && keys.CountKeysInSlot(group.Key) == group.Count();
            }) && Enumerable.Range(0, HashSlot.Count).Sum(keys.CountKeysInSlot) == model.Count;
        });

    [Property(MaxTest = 100)]
    public Property A_paged_export_misses_no_key_that_lived_through_it(int seed) =>
        WithKeys(seed, (keys, model, random) =>
        {
            for (var i = 0; i < 300; i += 2)
            {
                keys.SetString(Encoding.ASCII.GetBytes(Key(i)), "v"u8);
            }

            // Odd keys come and go between pages; even ones stay throughout.
            var seen = new HashSet<string>();
            long cursor = 0;
            do
            {
                var page = new List<(byte[] Key, ReplicatedEntry Entry)>();
                cursor = keys.ExportWhere(cursor, 1 + random.Next(5), _ => true, page);
                seen.UnionWith(page.Select(e => Encoding.ASCII.GetString(e.Key)));
                for (var n = 0; n < 3; n++)
                {
                    var key = Encoding.ASCII.GetBytes(Key((2 * random.Next(150)) + 1));
                    if (random.Next(2) == 0)
                    {
                        keys.SetString(key, "w"u8);
                    }
                    else
                    {
                        keys.Delete(key);
                    }
                }
            }
            while (cursor != 0);
            return Enumerable.Range(0, 150).All(i => seen.Contains(Key(2 * i)));
        });

    private static Property WithKeys(int seed, Func<KeySpace, HashSet<string>, Random, bool> test)
    {
        var keys = new KeySpace(TimeProvider.System);
        using (keys.Enter())
        {
            keys.EnableSlotIndex();
            return test(keys, new HashSet<string>(StringComparer.Ordinal), new Random(seed)).ToProperty();
        }
    }
}
