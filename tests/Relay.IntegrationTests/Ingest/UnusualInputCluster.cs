using Dapper;
using Relay.IntegrationTests.Harness;

namespace Relay.IntegrationTests.Ingest;

/// <summary>
/// All five services over a database of their own, because <see cref="UnusualInputTests"/> installs a trigger that
/// makes PostgreSQL refuse chosen rows. The seeded integrations deliver straight to Ingress's development sink (a
/// customer's endpoint is not behind Relay's gateway, whose own body limit is the gateway's business), and a
/// database outage is waited out for 2 s rather than 8.
/// </summary>
public sealed class UnusualInputCluster : RelayCluster
{
    public const string RefusalSequence = "unusual_input_refusals";

    protected override string Purpose => "unusual";

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Relay__Database__OutageBudget"] = "00:00:02",
    };

    protected override void ConfigureEnvironment(IDictionary<string, string> environment, IReadOnlyDictionary<string, int> ports)
    {
        environment["Relay__Seed__CallbackBaseUrl"] = $"http://127.0.0.1:{ports["Ingress.Api"]}";
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        // A webhook whose event id is "refuse-{SQLSTATE}-..." makes PostgreSQL fail its insert with that SQLSTATE, as a
        // real refusal would; each refusal takes a number from a sequence, which no rollback returns, so a test can
        // count how often ingest tried.
        await using var database = OpenDatabase();
        await using var connection = await database.OpenConnectionAsync();
        await connection.ExecuteAsync(
            $"""
            CREATE SEQUENCE {RefusalSequence};
            CREATE FUNCTION unusual_input_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.external_event_id LIKE 'refuse-%' THEN
                    PERFORM nextval('{RefusalSequence}');
                    RAISE EXCEPTION 'refused by the test for %', NEW.external_event_id USING ERRCODE = substr(NEW.external_event_id, 8, 5);
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER unusual_input_refuse BEFORE INSERT ON webhook_events FOR EACH ROW EXECUTE FUNCTION unusual_input_refuse();
            """);
    }
}
