using System.Text;
using Cache.Node.Storage;

namespace Cache.Node.Tests.Storage;

/// <summary>
/// The open-addressing table on its own: random adds and removes against a <see cref="HashSet{T}"/>
/// (deletes shift probe runs back, so every member must stay findable), slab chunks given back.
/// </summary>
public sealed class LargeSetTests
{
    [Fact]
    public void Random_adds_and_removes_agree_with_a_hash_set()
    {
        var memory = new SlabAllocator();
        var set = new LargeSet(memory, 0);
        var model = new HashSet<string>();
        var random = new Random(13);
        for (var step = 0; step < 60_000; step++)
        {
            var member = "m" + random.Next(3000);
            var bytes = Encoding.ASCII.GetBytes(member);
            if (random.Next(3) == 0)
            {
                Assert.Equal(model.Remove(member), set.Remove(bytes));
            }
            else
            {
                Assert.Equal(model.Add(member), set.Add(bytes));
            }

            if (step % 5000 == 0)
            {
                // Drain most of it now and then, so the table shrinks too.
                foreach (var gone in model.Where(_ => random.Next(10) != 0).ToList())
                {
                    Assert.True(set.Remove(Encoding.ASCII.GetBytes(gone)));
                    model.Remove(gone);
                }
            }
        }

        Assert.Equal(model.Count, set.Count);
        for (var i = 0; i < 3000; i++)
        {
            Assert.Equal(model.Contains("m" + i), set.Contains(Encoding.ASCII.GetBytes("m" + i)));
        }

        var members = new List<string>();
        for (var slot = 0; slot < set.Capacity; slot++)
        {
            if (set.IsOccupied(slot))
            {
                members.Add(Encoding.ASCII.GetString(set.MemberAt(slot)));
            }
        }

        Assert.Equal(model.Order(StringComparer.Ordinal), members.Order(StringComparer.Ordinal));
        set.FreeMembers();
        Assert.Equal(0, memory.UsedBytes);
    }

    [Fact]
    public void The_table_stays_between_an_eighth_and_three_quarters_full()
    {
        var set = new LargeSet(new SlabAllocator(), 0);
        for (var i = 0; i < 10_000; i++)
        {
            set.Add(Encoding.ASCII.GetBytes("m" + i));
            Assert.True(set.Count * 4 <= set.Capacity * 3);
        }

        for (var i = 0; i < 9_990; i++)
        {
            set.Remove(Encoding.ASCII.GetBytes("m" + i));
            Assert.True(set.Count * 8 >= set.Capacity || set.Capacity <= 8, $"{set.Count} in {set.Capacity}");
        }

        Assert.Equal(10, set.Count);
        Assert.Equal(64, set.Capacity);
    }
}
