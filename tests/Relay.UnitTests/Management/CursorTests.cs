using Microsoft.AspNetCore.Http;
using Relay.Management.Api.Queries;

namespace Relay.UnitTests.Management;

public sealed class CursorTests
{
    private static readonly Cursor Sample = new(new DateTime(2026, 11, 30, 16, 53, 21, DateTimeKind.Utc).AddTicks(1_234_560), Guid.Parse("0192f1c3-7a2b-7c3d-8e4f-5a6b7c8d9e0f"));

    [Fact]
    public void Round_trips_to_the_microsecond()
    {
        var text = Sample.Encode();

        Assert.True(Cursor.TryDecode(text, out var decoded));
        Assert.Equal(Sample, decoded);
        Assert.Equal(DateTimeKind.Utc, decoded.CreatedAt.Kind);
        Assert.Matches("^[A-Za-z0-9_-]+$", text);
    }

    [Fact]
    public void Round_trips_the_extremes_postgres_can_hold()
    {
        foreach (var createdAt in new[] { DateTime.UnixEpoch, new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990) })
        {
            var cursor = new Cursor(createdAt, Guid.NewGuid());
            Assert.True(Cursor.TryDecode(cursor.Encode(), out var decoded));
            Assert.Equal(cursor, decoded);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("zzz")]
    [InlineData("AAAA")]
    [InlineData("not-a-cursor")]
    [InlineData("eyJjcmVhdGVkQXQiOiIyMDI2In0")]
    [InlineData("AQAGRj_OLq1oAZLxw3orfD2OT1prfI2eDw==")]
    [InlineData("AQAGRj_OLq1oAZLxw3orfD2OT1prfI2eDw ")]
    public void Refuses_anything_it_did_not_write(string text) => Assert.False(Cursor.TryDecode(text, out _));

    [Fact]
    public void Refuses_an_edited_cursor_or_another_version()
    {
        var text = Sample.Encode();
        Assert.False(Cursor.TryDecode(text[..^1], out _));
        Assert.False(Cursor.TryDecode(text + "A", out _));
        // The first character carries the version byte.
        Assert.False(Cursor.TryDecode((text[0] == 'A' ? 'B' : 'A') + text[1..], out _));
        // A last character with stray low bits decodes to the same bytes; only the canonical spelling is taken.
        var last = text[^1];
        var sibling = (char)(last + 1);
        Assert.False(Cursor.TryDecode(text[..^1] + sibling, out var edited) && edited == Sample);
    }

    [Fact]
    public void Paging_defaults_to_20_and_reads_limit_and_cursor()
    {
        var defaults = DestinationListQuery.Parse(Query(""));
        Assert.Equal(new CursorPaging(20, null), defaults.Value!.Paging);

        var paged = DestinationListQuery.Parse(Query($"?limit=100&cursor={Sample.Encode()}"));
        Assert.Equal(new CursorPaging(100, Sample), paged.Value!.Paging);
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=101", "limit")]
    [InlineData("?limit=-1", "limit")]
    [InlineData("?cursor=bogus", "cursor")]
    [InlineData("?cursor=a&cursor=b", "cursor")]
    [InlineData("?page=1", "page")]
    [InlineData("?status=failed", "status")]
    public void Destination_list_refuses_bad_parameters(string query, string parameter) =>
        Assert.Contains(parameter, DestinationListQuery.Parse(Query(query)).Errors.Keys);

    [Fact]
    public void Attempt_list_reads_status()
    {
        Assert.Equal("failed", DestinationAttemptListQuery.Parse(Query("?status=failed")).Value!.Status);
        Assert.Null(DestinationAttemptListQuery.Parse(Query("")).Value!.Status);
        Assert.Contains("status", DestinationAttemptListQuery.Parse(Query("?status=retrying")).Errors.Keys);
    }

    private static IQueryCollection Query(string queryString) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(queryString));
}
