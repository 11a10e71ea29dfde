using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Relay.Ingress.Api.Ingestion;

namespace Relay.Ingress.Api.Publishing;

/// <summary>
/// The table <c>publish_idempotency_keys</c> (migration 016), which only this service writes. A key is claimed in the
/// same transaction that writes its event, so it stands for exactly one event: a second request with the key waits on
/// the first one's row lock, then reads its answer; if the first one rolls back, the second one publishes instead.
/// </summary>
public sealed class PublishIdempotencyRepository(NpgsqlDataSource dataSource, IngestedEventRepository events, IOptions<PublishOptions> options, TimeProvider timeProvider)
{
    // A claim older than the retention counts as absent: it is taken over (a sweep deletes such rows, but need not have).
    private const string ClaimSql =
        """
        INSERT INTO publish_idempotency_keys AS k (api_key_id, idempotency_key, request_hash, event_id, response_status, response_body, created_at)
        VALUES (@ApiKeyId, @Key, @RequestHash, @EventId, 0, '', @Now)
        ON CONFLICT (api_key_id, idempotency_key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, event_id = EXCLUDED.event_id, response_status = 0, response_body = '', created_at = EXCLUDED.created_at
            WHERE k.created_at <= @ExpiredBefore
        RETURNING true
        """;

    private const string LockNotAvailable = "55P03";

    /// <summary>
    /// Writes <paramref name="newEvent"/> under <paramref name="claim"/> unless the key was already used within the
    /// retention; <paramref name="answer"/> makes the answer that is stored with the key and returned.
    /// </summary>
    public async Task<IdempotentPublish> PublishOnceAsync(IdempotencyClaim claim, NewEvent newEvent, Func<StoredEvent, StoredAnswer> answer, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Only for this transaction (Relay leaves no session settings behind on pooled connections).
        await connection.ExecuteAsync(new CommandDefinition(
            $"SET LOCAL lock_timeout = {(int)options.Value.IdempotencyWait.TotalMilliseconds}", transaction: transaction, cancellationToken: cancellationToken));
        bool claimed;
        try
        {
            claimed = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(ClaimSql,
                new { claim.ApiKeyId, claim.Key, claim.RequestHash, newEvent.EventId, Now = now, ExpiredBefore = now - options.Value.IdempotencyKeyRetention },
                transaction, cancellationToken: cancellationToken)) ?? false;
        }
        catch (PostgresException exception) when (exception.SqlState == LockNotAvailable)
        {
            return IdempotentPublish.StillInProgress;
        }
        if (!claimed)
        {
            var earlier = await connection.QuerySingleAsync<(byte[] RequestHash, int ResponseStatus, string ResponseBody)>(new CommandDefinition(
                "SELECT request_hash, response_status, response_body FROM publish_idempotency_keys WHERE api_key_id = @ApiKeyId AND idempotency_key = @Key",
                new { claim.ApiKeyId, claim.Key }, transaction, cancellationToken: cancellationToken));
            return new IdempotentPublish(null, new IdempotentPublish.EarlierUse(earlier.RequestHash, new StoredAnswer(earlier.ResponseStatus, earlier.ResponseBody)), false);
        }
        var stored = (await events.WriteBatchAsync(connection, transaction, [newEvent], cancellationToken))[0];
        var first = answer(stored);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE publish_idempotency_keys SET event_id = @EventId, response_status = @StatusCode, response_body = @Body
            WHERE api_key_id = @ApiKeyId AND idempotency_key = @Key
            """, new { stored.EventId, first.StatusCode, first.Body, claim.ApiKeyId, claim.Key }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return new IdempotentPublish(first, null, false);
    }

    /// <summary>Deletes keys past the retention, a batch at a time; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(int batchSize, CancellationToken cancellationToken)
    {
        var expiredBefore = timeProvider.GetUtcNow() - options.Value.IdempotencyKeyRetention;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM publish_idempotency_keys WHERE (api_key_id, idempotency_key) IN (
                SELECT api_key_id, idempotency_key FROM publish_idempotency_keys WHERE created_at <= @expiredBefore LIMIT @batchSize)
            AND created_at <= @expiredBefore
            """, new { expiredBefore, batchSize }, cancellationToken: cancellationToken));
    }
}
