using Dapper;
using Npgsql;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Data;

/// <summary>Reads delivery attempts, newest first.</summary>
public sealed class DeliveryAttemptRepository(NpgsqlDataSource dataSource)
{
    public const string Columns =
        "id, normalized_event_id, integration_id, attempt_no, status, http_status, response_body, error_message, duration_ms, created_at, destination_id, delivery_id";

    public async Task<PageOf<DeliveryAttemptView>> ListAsync(DeliveryListQuery query, CancellationToken cancellationToken) =>
        await Filter(query).ReadPageAsync<DeliveryAttemptView>(dataSource, Columns, "delivery_attempts", "created_at DESC, id DESC", query.Paging, cancellationToken);

    /// <summary>The page after the cursor, newest first; attempts recorded meanwhile land before the first page.</summary>
    public async Task<CursorPage<DeliveryAttemptView>> ListByCursorAsync(DeliveryListQuery query, ListCursorPaging paging, CancellationToken cancellationToken)
    {
        var rows = await Filter(query).ReadAfterAsync<DeliveryAttemptView>(
            dataSource, Columns, "delivery_attempts", "created_at", "id", SortDirection.Desc, paging, cancellationToken);
        return CursorPage<DeliveryAttemptView>.From(rows, paging.Limit, row => new ListCursor(DeliveryListQuery.Order, row.CreatedAt, row.Id).Encode(), row => row);
    }

    private static SqlFilter Filter(DeliveryListQuery query) =>
        new SqlFilter()
            .When(query.Status, "status = @Status", "Status")
            .When(query.EventId, "normalized_event_id = @EventId", "EventId")
            // The attempt's integration is its event's; an unknown provider matches nothing.
            .When(query.Provider, "integration_id IN (SELECT id FROM integrations WHERE provider = @Provider)", "Provider")
            .Within(query.From, query.To, "created_at");

    /// <summary>
    /// A destination's attempts, newest first, by cursor (new attempts land before the first page, never inside a
    /// later one). Only the start of each response body is read: the excerpt is redacted from it.
    /// </summary>
    public async Task<CursorPage<DestinationAttemptView>> ListForDestinationAsync(Guid destinationId, DestinationAttemptListQuery query, CancellationToken cancellationToken)
    {
        var status = query.Status is null ? "" : "AND status = @Status";
        var before = query.Paging.After is null ? "" : "AND (created_at, id) < (@BeforeCreatedAt, @BeforeId)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<AttemptRow>(new CommandDefinition(
            $"""
            SELECT id, normalized_event_id AS event_id, delivery_id, attempt_no, delivery_attempt_no, status, http_status, duration_ms,
                   error_message AS error, left(response_body, @BodyPrefix) AS response_body, created_at
            FROM delivery_attempts
            WHERE destination_id = @destinationId {status} {before}
            ORDER BY created_at DESC, id DESC
            LIMIT @take
            """,
            new
            {
                destinationId, query.Status, BeforeCreatedAt = (DateTime?)query.Paging.After?.Key, BeforeId = (Guid?)query.Paging.After?.Id,
                take = query.Paging.Limit + 1, BodyPrefix = ResponseRedactor.ScannedLength,
            },
            cancellationToken: cancellationToken))).AsList();
        return CursorPage<DestinationAttemptView>.From(
            rows, query.Paging.Limit, row => new ListCursor(DestinationAttemptListQuery.Order, row.CreatedAt, row.Id).Encode(), row => row.ToView(destinationId));
    }

    private sealed record AttemptRow(
        Guid Id, Guid EventId, Guid? DeliveryId, int AttemptNo, int? DeliveryAttemptNo, string Status, int? HttpStatus, int DurationMs,
        string? Error, string? ResponseBody, DateTime CreatedAt)
    {
        public DestinationAttemptView ToView(Guid destinationId) => new(
            Id, EventId, destinationId, DeliveryId, AttemptNo, DeliveryAttemptNo, Status, HttpStatus, DurationMs, Error, ResponseRedactor.Excerpt(ResponseBody), CreatedAt);
    }
}
