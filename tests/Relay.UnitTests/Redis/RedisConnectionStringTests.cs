using Relay.Infrastructure.Redis;

namespace Relay.UnitTests.Redis;

public sealed class RedisConnectionStringTests
{
    [Fact]
    public void Parses_the_aspire_format()
    {
        var parsed = RedisConnectionString.Parse("cache.internal:6380,password=s3cret,ssl=true,abortConnect=false,defaultDatabase=2");
        Assert.Equal("cache.internal", parsed.Host);
        Assert.Equal(6380, parsed.Port);
        Assert.Equal("s3cret", parsed.Password);
        Assert.True(parsed.Ssl);
        Assert.False(parsed.AbortConnect);
        Assert.Equal(2, parsed.DefaultDatabase);
        Assert.Null(parsed.User);
    }

    [Fact]
    public void Host_alone_uses_default_port_and_defaults()
    {
        var parsed = RedisConnectionString.Parse("localhost");
        Assert.Equal("localhost", parsed.Host);
        Assert.Equal(6379, parsed.Port);
        Assert.Null(parsed.Password);
        Assert.False(parsed.Ssl);
        Assert.True(parsed.AbortConnect);
        Assert.Equal(0, parsed.DefaultDatabase);
    }

    [Fact]
    public void Option_names_are_case_insensitive_and_whitespace_is_trimmed()
    {
        var parsed = RedisConnectionString.Parse(" 127.0.0.1:7000 , PASSWORD=pw , SSL=True , DefaultDatabase=5 ");
        Assert.Equal("127.0.0.1", parsed.Host);
        Assert.Equal(7000, parsed.Port);
        Assert.Equal("pw", parsed.Password);
        Assert.True(parsed.Ssl);
        Assert.Equal(5, parsed.DefaultDatabase);
    }

    [Fact]
    public void Password_may_contain_equals_signs()
    {
        var parsed = RedisConnectionString.Parse("localhost:6379,password=abc==def=");
        Assert.Equal("abc==def=", parsed.Password);
    }

    [Fact]
    public void User_option_is_read_for_acl_auth()
    {
        var parsed = RedisConnectionString.Parse("localhost:6379,user=relay,password=pw");
        Assert.Equal("relay", parsed.User);
    }

    [Fact]
    public void Unknown_options_and_empty_parts_are_ignored()
    {
        var parsed = RedisConnectionString.Parse("localhost:6379,,connectTimeout=5000,name=relay,allowAdmin=true,");
        Assert.Equal("localhost", parsed.Host);
        Assert.Equal(6379, parsed.Port);
    }

    [Theory]
    [InlineData("[::1]:6380", "::1", 6380)]
    [InlineData("[::1]", "::1", 6379)]
    [InlineData("::1", "::1", 6379)]
    public void Parses_ipv6_endpoints(string input, string host, int port)
    {
        var parsed = RedisConnectionString.Parse(input);
        Assert.Equal(host, parsed.Host);
        Assert.Equal(port, parsed.Port);
    }

    [Theory]
    [InlineData("", "no endpoint")]
    [InlineData("password=x", "no endpoint")]
    [InlineData("localhost:0", "port '0'")]
    [InlineData("localhost:70000", "port '70000'")]
    [InlineData("localhost:abc", "port 'abc'")]
    [InlineData("localhost:", "port ''")]
    [InlineData(":6379", "host is empty")]
    [InlineData("[::1", "missing ']'")]
    [InlineData("a:1,b:2", "more than one endpoint")]
    [InlineData("localhost,ssl=yes", "'ssl'")]
    [InlineData("localhost,abortConnect=0", "'abortConnect'")]
    [InlineData("localhost,defaultDatabase=-1", "'defaultDatabase'")]
    [InlineData("localhost,defaultDatabase=two", "'defaultDatabase'")]
    public void Invalid_input_throws_FormatException_with_a_clear_message(string input, string messageFragment)
    {
        var exception = Assert.Throws<FormatException>(() => RedisConnectionString.Parse(input));
        Assert.Contains(messageFragment, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_messages_never_repeat_the_password()
    {
        var exception = Assert.Throws<FormatException>(() => RedisConnectionString.Parse("localhost:99999,password=TopSecret1"));
        Assert.DoesNotContain("TopSecret1", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_masks_the_password()
    {
        var parsed = RedisConnectionString.Parse("localhost:6379,password=TopSecret1,ssl=true,defaultDatabase=3");
        var text = parsed.ToString();
        Assert.DoesNotContain("TopSecret1", text, StringComparison.Ordinal);
        Assert.Equal("localhost:6379,password=*****,ssl=true,defaultDatabase=3", text);
    }

    [Fact]
    public void Null_input_throws_ArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>(() => RedisConnectionString.Parse(null!));
    }
}
