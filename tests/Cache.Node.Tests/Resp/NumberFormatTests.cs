using System.Text;
using Cache.Node.Resp;

namespace Cache.Node.Tests.Resp;

/// <summary>Number text that must equal redis-server 7.0.15's output (values checked against it).</summary>
public sealed class NumberFormatTests
{
    [Theory]
    [InlineData(0.1, "0.10000000000000001")]
    [InlineData(1e17, "1e+17")]
    [InlineData(1.5, "1.5")]
    [InlineData(3.0, "3")]
    [InlineData(1e-5, "1.0000000000000001e-05")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(1e300, "1.0000000000000001e+300")]
    [InlineData(5e-324, "4.9406564584124654e-324")]
    [InlineData(0.3, "0.29999999999999999")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    public void Doubles_format_like_redis_zscore(double value, string expected)
    {
        Span<byte> buffer = stackalloc byte[64];
        var n = RespNumbers.FormatDouble(value, buffer);
        Assert.Equal(expected, Encoding.ASCII.GetString(buffer[..n]));
    }

    [Theory]
    [InlineData("0", "10.5", "10.5")]
    [InlineData("10.5", "3.0e3", "3010.5")]
    [InlineData("1.1", "2.2", "3.3")]
    [InlineData("0", "5.0e-1", "0.5")]
    [InlineData("0.1", "0.2", "0.3")]
    [InlineData("10.50", "0.1", "10.6")]
    [InlineData("5.0e3", "2.0e2", "5200")]
    [InlineData("0", "-0.0000000000000000001", "0")]
    [InlineData("0x10", "0x1.8p1", "19")]
    [InlineData("1e17", "1", "100000000000000001")]
    public void Long_double_sums_print_like_redis_incrbyfloat(string a, string b, string expected)
    {
        Assert.True(LongDouble.TryParse(Encoding.ASCII.GetBytes(a), out var x));
        Assert.True(LongDouble.TryParse(Encoding.ASCII.GetBytes(b), out var y));
        Assert.Equal(expected, Encoding.ASCII.GetString(LongDouble.Add(x, y).ToHumanBytes()));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("nan")]
    [InlineData("1e5000")]
    [InlineData("1e-5000")]
    [InlineData("0x")]
    [InlineData("1e")]
    [InlineData("--1")]
    public void Invalid_long_doubles_are_rejected(string text) =>
        Assert.False(LongDouble.TryParse(Encoding.ASCII.GetBytes(text), out _));
}
