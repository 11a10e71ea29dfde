using System.Text;
using Relay.Ingress.Api.Ingestion;

namespace Relay.UnitTests.Ingress;

/// <summary>The expected figures are PostgreSQL 15's own: <c>octet_length(('...'::jsonb)::text)</c>, -1 where the cast fails.</summary>
public sealed class JsonbInspectorTests
{
    private static JsonbInspection Inspect(string json) => JsonbInspector.Inspect(Encoding.UTF8.GetBytes(json));

    [Theory]
    [InlineData("0", 1)]
    [InlineData("-0", 1)]
    [InlineData("0.0", 3)]
    [InlineData("-0.000", 5)]
    [InlineData("1", 1)]
    [InlineData("-1", 2)]
    [InlineData("10", 2)]
    [InlineData("1.5", 3)]
    [InlineData("-1.50", 5)]
    [InlineData("123.456e1", 7)]
    [InlineData("0.001e2", 3)]
    [InlineData("0.001e3", 1)]
    [InlineData("0.001e-2", 7)]
    [InlineData("1e5", 6)]
    [InlineData("1E+5", 6)]
    [InlineData("1e-5", 7)]
    [InlineData("-1e-5", 8)]
    [InlineData("5e-324", 326)]
    [InlineData("1.7976931348623157e308", 309)]
    [InlineData("1e131071", 131072)]
    [InlineData("9.99e131071", 131072)]
    [InlineData("1e131072", -1)]
    [InlineData("1e1000000", -1)]
    [InlineData("0.1e131072", 131072)]
    [InlineData("0.01e131073", 131072)]
    [InlineData("10e131070", 131072)]
    [InlineData("10e131071", -1)]
    [InlineData("1e-16383", 16385)]
    [InlineData("1e-16384", -1)]
    [InlineData("1.0e-16382", 16385)]
    [InlineData("1.0e-16383", -1)]
    [InlineData("0e-16383", 16385)]
    [InlineData("0e-16384", -1)]
    [InlineData("0e1073741822", 1)]
    [InlineData("0e1073741823", -1)]
    [InlineData("1e-1073741822", -1)]
    [InlineData("1e99999999999999999999999999", -1)]
    [InlineData("12345678901234567890123456789", 29)]
    [InlineData("0.00000000000000000001", 22)]
    [InlineData("-0.00000000000000000001e20", 2)]
    [InlineData("100e-2", 4)]
    [InlineData("1000000e-6", 8)]
    [InlineData("4.2E-0", 3)]
    [InlineData("7e0", 1)]
    [InlineData("0.5e1", 1)]
    public void Numbers_are_measured_and_refused_as_postgresql_numeric_does(string number, long postgresTextLength)
    {
        Assert.Equal(postgresTextLength, JsonbInspector.NumberLength(Encoding.ASCII.GetBytes(number)));
        var inspection = Inspect($$"""{"n":{{number}}}""");
        Assert.Equal(postgresTextLength >= 0, inspection.Storable);
        if (postgresTextLength >= 0)
        {
            Assert.Equal(7 + postgresTextLength, inspection.TextLength);
        }
        else
        {
            Assert.Equal("n", inspection.ProblemPath);
            Assert.Contains("131072 digits before the decimal point and 16383 after", inspection.Problem);
        }
    }

    [Theory]
    [InlineData("{}", 2)]
    [InlineData("[]", 2)]
    [InlineData("""{"a":1}""", 8)]
    [InlineData("""{"b":[1,2,{"c":null}],"a":true,"d":false}""", 49)]
    [InlineData("""{"s":"\u00e9\n\t\"\\\/\u001f\u007f","k\u0001":"x"}""", 43)]
    [InlineData("""{ "data" : { "items" : [ 1e2 , -0.0 , "😀" , "\ud83d\ude00" ] } }""", 47)]
    [InlineData("""[[],{},[[]],""]""", 18)]
    public void Text_length_is_what_jsonb_writes(string json, long postgresTextLength)
    {
        var inspection = Inspect(json);
        Assert.True(inspection.Storable, inspection.Problem);
        Assert.Equal(postgresTextLength, inspection.TextLength);
    }

    [Fact]
    public void Duplicate_keys_are_counted_as_written_so_the_length_is_an_upper_bound()
    {
        // jsonb keeps the last of duplicate keys ({"a": 2}, 8 bytes); counting every one never under-measures.
        Assert.Equal(16, Inspect("""{"a":1,"a":2}""").TextLength);
    }

    [Theory]
    [InlineData("""{"data":{"note":"a\u0000b"}}""", "data.note", "contains \\u0000, which Relay cannot store")]
    [InlineData("""{"data":{"items":[1,{"x":"\ud800"}]}}""", "data.items[1].x", "contains an unpaired surrogate escape (\\ud800-\\udfff), which is not Unicode text")]
    [InlineData("""{"data":{"items":["\udc00"]}}""", "data.items[0]", "contains an unpaired surrogate escape (\\ud800-\\udfff), which is not Unicode text")]
    [InlineData("""{"data":{"pair":"\ude00\ud83d"}}""", "data.pair", "contains an unpaired surrogate escape (\\ud800-\\udfff), which is not Unicode text")]
    [InlineData("""{"data":{"big":[0,0,1e1000000]}}""", "data.big[2]", "is a number Relay cannot store (at most 131072 digits before the decimal point and 16383 after)")]
    [InlineData("""{"data":{"a\u0000":1}}""", "data", "has a property name that contains \\u0000, which Relay cannot store")]
    [InlineData("""{"\ud800":1}""", "(root)", "has a property name that contains an unpaired surrogate escape (\\ud800-\\udfff), which is not Unicode text")]
    [InlineData("""[[[1e131072]]]""", "[0][0][0]", "is a number Relay cannot store (at most 131072 digits before the decimal point and 16383 after)")]
    public void What_jsonb_cannot_hold_is_named_by_its_path(string json, string path, string problem)
    {
        var inspection = Inspect(json);
        Assert.False(inspection.Storable);
        Assert.Equal(path, inspection.ProblemPath);
        Assert.Equal(problem, inspection.Problem);
    }

    [Fact]
    public void Escapes_jsonb_can_hold_are_fine()
    {
        Assert.True(Inspect("""{"a":"\u0001\u001f\ud83d\ude00\uffff\/","b":"plain"}""").Storable);
    }

    [Fact]
    public void A_very_long_path_is_cut_short()
    {
        var name = new string('k', 1000);
        var inspection = Inspect($$"""{"{{name}}":"\u0000"}""");
        Assert.Equal(201, inspection.ProblemPath!.Length);
        Assert.EndsWith("…", inspection.ProblemPath);
    }
}
