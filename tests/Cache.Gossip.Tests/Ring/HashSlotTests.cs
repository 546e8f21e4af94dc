using System.Text;
using Cache.Gossip.Ring;

namespace Cache.Gossip.Tests.Ring;

public sealed class HashSlotTests
{
    [Fact]
    public void Crc16_is_xmodem() => Assert.Equal(0x31C3, HashSlot.Crc16("123456789"u8));

    [Theory]
    [InlineData("foo", 12182)]
    [InlineData("hello", 866)]
    [InlineData("", 0)]
    public void Slots_match_redis_cluster(string key, int slot) => Assert.Equal(slot, HashSlot.ForKey(Encoding.UTF8.GetBytes(key)));

    [Theory]
    [InlineData("{user1000}.following", "{user1000}.followers")]
    [InlineData("{user1000}.following", "user1000")]
    [InlineData("foo{{bar}}zap", "{bar")]
    [InlineData("foo{bar}{zap}", "bar")]
    public void Hash_tags_pick_the_first_non_empty_braces(string a, string b) =>
        Assert.Equal(HashSlot.ForKey(Encoding.UTF8.GetBytes(a)), HashSlot.ForKey(Encoding.UTF8.GetBytes(b)));

    [Fact]
    public void An_empty_tag_hashes_the_whole_key() =>
        Assert.NotEqual(HashSlot.ForKey("foo{}{bar}"u8), HashSlot.ForKey("bar"u8));
}
