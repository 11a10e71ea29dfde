using System.Text.Json;
using Dapper;
using Npgsql;
using Relay.Infrastructure.Messaging;
using Relay.Infrastructure.Security.ApiKeys;
using Relay.Management.Api.Destinations;
using Relay.Management.Api.Queries;

namespace Relay.Management.Api.Data;

/// <summary>
/// Destinations, which only this service writes. Every write commits with its audit entry (and, for a resume, the
/// <c>DestinationResumed</c> outbox row) in one transaction; reads join the integration (the default destination's
/// URL) and <c>destination_health</c>, which Delivery.Worker writes.
/// </summary>
public sealed class DestinationRepository(NpgsqlDataSource dataSource, ActingApiKey actingKey)
{
    public const string AuditEntityType = "destination";

    // The rotation time is the audit trail's: it is written with the rotation.
    private const string ViewColumns =
        """
        d.id, d.integration_id, d.is_default, CASE WHEN d.is_default THEN i.callback_url ELSE d.url END AS url,
        d.description, d.event_types, d.payload_filter, ARRAY(SELECT jsonb_object_keys(d.headers) ORDER BY 1) AS header_names,
        d.timeout_seconds, d.max_attempts, d.retry_schedule_ms, d.retry_jitter_percent, d.max_retry_delay_ms,
        d.rate_limit_per_second, d.paused, d.resumed_at,
        coalesce(h.consecutive_failures, 0) AS consecutive_failures, h.failing_since, h.last_success_at, h.last_failure_at,
        h.last_error, h.disabled_at, h.disabled_reason, h.circuit_open_until,
        (SELECT max(a.created_at) FROM audit_entries a
         WHERE a.entity_id = d.id AND a.entity_type = 'destination' AND a.action = 'destination.secret_rotated') AS secret_rotated_at,
        CASE WHEN d.previous_signing_secret IS NOT NULL THEN d.previous_secret_expires_at END AS previous_valid_until,
        d.created_at, d.updated_at
        """;

    private const string ViewSource =
        "destinations d JOIN integrations i ON i.id = d.integration_id LEFT JOIN destination_health h ON h.destination_id = d.id";

    private const string SettingsColumns =
        """
        d.url, d.description, d.event_types, d.payload_filter, d.headers::text AS headers, d.timeout_seconds, d.max_attempts,
        d.retry_schedule_ms, d.retry_jitter_percent, d.max_retry_delay_ms, d.rate_limit_per_second, d.paused
        """;

    private const string AuditSql =
        """
        INSERT INTO audit_entries (entity_type, entity_id, action, actor, details, created_at, api_key_id)
        VALUES ('destination', @Id, @Action, @Actor, CAST(@Details AS jsonb), @Now, @ApiKeyId)
        """;

    public async Task<DestinationView<SigningSecretView>?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<DestinationRow>(new CommandDefinition(
            $"SELECT {ViewColumns} FROM {ViewSource} WHERE d.id = @id AND d.deleted_at IS NULL", new { id }, cancellationToken: cancellationToken));
        return row?.ToView();
    }

    public async Task<bool> ExistsAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM destinations WHERE id = @id AND deleted_at IS NULL)", new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>The live destination's integration provider (for the payload of a test event); null when there is no such destination.</summary>
    public async Task<string?> ProviderOfAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT i.provider FROM destinations d JOIN integrations i ON i.id = d.integration_id WHERE d.id = @id AND d.deleted_at IS NULL",
            new { id }, cancellationToken: cancellationToken));
    }

    /// <summary>Audits something done to the destination outside a write of its own (a test send).</summary>
    public async Task AuditAsync(Guid id, string action, string actor, object details, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            AuditSql, new { Id = id, Action = action, Actor = actor, Details = Json(details), Now = now, ApiKeyId = actingKey.Id }, cancellationToken: cancellationToken));
    }

    /// <summary>An integration's destinations, oldest first (new ones join the end); null when the integration does not exist.</summary>
    public async Task<CursorPage<DestinationView<SigningSecretView>>?> ListAsync(Guid integrationId, CursorPaging paging, CancellationToken cancellationToken)
    {
        var after = paging.After is null ? "" : "AND (d.created_at, d.id) > (@AfterCreatedAt, @AfterId)";
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            $"""
            SELECT EXISTS (SELECT 1 FROM integrations WHERE id = @integrationId);
            SELECT {ViewColumns} FROM {ViewSource}
            WHERE d.integration_id = @integrationId AND d.deleted_at IS NULL {after}
            ORDER BY d.created_at, d.id
            LIMIT @take;
            """,
            new { integrationId, AfterCreatedAt = paging.After?.CreatedAt, AfterId = paging.After?.Id, take = paging.Limit + 1 },
            cancellationToken: cancellationToken));
        if (!await results.ReadSingleAsync<bool>())
        {
            return null;
        }
        var rows = (await results.ReadAsync<DestinationRow>()).AsList();
        return CursorPage<DestinationView<SigningSecretView>>.From(rows, paging.Limit, row => new Cursor(row.CreatedAt, row.Id).Encode(), row => row.ToView());
    }

    /// <summary>Stores the destination and its audit entry; false (writing nothing) when the integration does not exist.</summary>
    public async Task<bool> TryCreateAsync(NewDestination destination, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // FOR SHARE: the integration cannot be deleted while its new destination is being written.
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM integrations WHERE id = @IntegrationId FOR SHARE)", new { destination.IntegrationId }, transaction, cancellationToken: cancellationToken));
        if (!exists)
        {
            return false;
        }
        var settings = destination.Settings;
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            INSERT INTO destinations (id, integration_id, is_default, url, description, event_types, payload_filter, headers, timeout_seconds,
                                      max_attempts, retry_schedule_ms, retry_jitter_percent, max_retry_delay_ms, rate_limit_per_second,
                                      paused, signing_secret, created_at, updated_at)
            VALUES (@Id, @IntegrationId, false, @Url, @Description, @EventTypes, @PayloadFilter, CAST(@Headers AS jsonb), @TimeoutSeconds,
                    @MaxAttempts, @RetryScheduleMs, @RetryJitterPercent, @MaxRetryDelayMs, @RateLimitPerSecond,
                    @Paused, @EncryptedSigningSecret, @Now, @Now);
            {AuditSql};
            """,
            new
            {
                destination.Id, destination.IntegrationId, settings.Url, settings.Description, settings.EventTypes, settings.PayloadFilter,
                settings.Headers, settings.TimeoutSeconds, settings.MaxAttempts, settings.RetryScheduleMs, settings.RetryJitterPercent,
                settings.MaxRetryDelayMs, settings.RateLimitPerSecond, settings.Paused, destination.EncryptedSigningSecret,
                Now = destination.CreatedAt, Action = "destination.created", destination.Actor, Details = destination.AuditDetails, ApiKeyId = actingKey.Id,
            },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Applies the fields <paramref name="input"/> gives (header values already encrypted). A change of <c>paused</c> is
    /// a pause or a resume, audited and published as such; the other changes make one <c>destination.updated</c> entry
    /// naming the fields. Nothing changed, nothing is written.
    /// </summary>
    public async Task<DestinationWrite> UpdateAsync(Guid id, DestinationInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var current = await connection.QuerySingleOrDefaultAsync<StoredRow>(new CommandDefinition(
            $"""
            SELECT d.is_default, d.resumed_at, h.disabled_at, {SettingsColumns}
            FROM destinations d LEFT JOIN destination_health h ON h.destination_id = d.id
            WHERE d.id = @id AND d.deleted_at IS NULL
            FOR UPDATE OF d
            """, new { id }, transaction, cancellationToken: cancellationToken));
        if (current is null)
        {
            return DestinationWrite.NotFound;
        }
        if (current.IsDefault && input.Url.IsSet)
        {
            return DestinationWrite.DefaultDestination;
        }

        var changed = new List<string>();
        var settings = current.Settings;
        var next = settings.Apply(input, changed);
        changed.Remove("paused");
        // paused: false is a resume, which also lifts an automatic disable: a no-op only when neither is in force.
        var resumes = input.Paused is { IsSet: true, Value: false } && (settings.Paused || DestinationStatus.IsDisabled(current.DisabledAt, current.ResumedAt));
        var pauses = next.Paused && !settings.Paused;
        if (changed.Count == 0 && !resumes && !pauses)
        {
            return DestinationWrite.Done;
        }

        var resumedAt = resumes ? ResumeTime(now, current.DisabledAt) : (DateTimeOffset?)null;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE destinations SET url = @Url, description = @Description, event_types = @EventTypes, payload_filter = @PayloadFilter,
                   headers = CAST(@Headers AS jsonb), timeout_seconds = @TimeoutSeconds, max_attempts = @MaxAttempts,
                   retry_schedule_ms = @RetryScheduleMs, retry_jitter_percent = @RetryJitterPercent, max_retry_delay_ms = @MaxRetryDelayMs,
                   rate_limit_per_second = @RateLimitPerSecond, paused = @Paused,
                   resumed_at = CASE WHEN @Resumes THEN @ResumedAt ELSE resumed_at END, updated_at = @Now
            WHERE id = @Id
            """,
            new
            {
                Id = id, next.Url, next.Description, next.EventTypes, next.PayloadFilter, next.Headers, next.TimeoutSeconds, next.MaxAttempts,
                next.RetryScheduleMs, next.RetryJitterPercent, next.MaxRetryDelayMs, next.RateLimitPerSecond, next.Paused,
                Resumes = resumes, ResumedAt = resumedAt ?? now, Now = now,
            },
            transaction, cancellationToken: cancellationToken));
        if (changed.Count > 0)
        {
            var headerNames = input.Headers.IsSet ? input.Headers.Value.Keys.Order(StringComparer.OrdinalIgnoreCase).ToList() : null;
            await AuditAsync(connection, transaction, id, "destination.updated", input.RequestedBy, new { changed, headerNames }, now, cancellationToken);
        }
        if (pauses)
        {
            await AuditAsync(connection, transaction, id, "destination.paused", input.RequestedBy, new { }, now, cancellationToken);
        }
        if (resumedAt is { } resumed)
        {
            await RecordResumeAsync(connection, transaction, id, input.RequestedBy, settings.Paused, current.DisabledAt, resumed, now, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return DestinationWrite.Done;
    }

    /// <summary>Soft-deletes the destination (Delivery.Worker stops sending to it); the default one is its integration's to remove.</summary>
    public async Task<DestinationWrite> DeleteAsync(Guid id, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var destination = await connection.QuerySingleOrDefaultAsync<DeletionTarget>(new CommandDefinition(
            "SELECT is_default, integration_id FROM destinations WHERE id = @id AND deleted_at IS NULL FOR UPDATE",
            new { id }, transaction, cancellationToken: cancellationToken));
        if (destination is null)
        {
            return DestinationWrite.NotFound;
        }
        if (destination.IsDefault)
        {
            return DestinationWrite.DefaultDestination;
        }
        await connection.ExecuteAsync(new CommandDefinition(
            $"""
            UPDATE destinations SET deleted_at = @Now, updated_at = @Now WHERE id = @Id;
            {AuditSql};
            """,
            new { Id = id, Now = now, Action = "destination.deleted", Actor = actor, Details = Json(new { destination.IntegrationId }), ApiKeyId = actingKey.Id },
            transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return DestinationWrite.Done;
    }

    /// <summary>Pauses the destination (Delivery.Worker holds its deliveries); pausing a paused one changes nothing.</summary>
    public async Task<DestinationWrite> PauseAsync(Guid id, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var paused = await connection.QuerySingleOrDefaultAsync<bool?>(new CommandDefinition(
            "SELECT paused FROM destinations WHERE id = @id AND deleted_at IS NULL FOR UPDATE", new { id }, transaction, cancellationToken: cancellationToken));
        if (paused is null)
        {
            return DestinationWrite.NotFound;
        }
        if (paused.Value)
        {
            return DestinationWrite.Done;
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE destinations SET paused = true, updated_at = @now WHERE id = @id", new { id, now }, transaction, cancellationToken: cancellationToken));
        await AuditAsync(connection, transaction, id, "destination.paused", actor, new { }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DestinationWrite.Done;
    }

    /// <summary>
    /// Resumes a paused or automatically disabled destination and publishes <c>DestinationResumed</c> through the
    /// outbox, in one transaction; resuming an enabled one changes nothing.
    /// </summary>
    public async Task<DestinationWrite> ResumeAsync(Guid id, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var state = await connection.QuerySingleOrDefaultAsync<PauseState>(new CommandDefinition(
            """
            SELECT d.paused, d.resumed_at, h.disabled_at
            FROM destinations d LEFT JOIN destination_health h ON h.destination_id = d.id
            WHERE d.id = @id AND d.deleted_at IS NULL
            FOR UPDATE OF d
            """, new { id }, transaction, cancellationToken: cancellationToken));
        if (state is null)
        {
            return DestinationWrite.NotFound;
        }
        if (!state.Paused && !DestinationStatus.IsDisabled(state.DisabledAt, state.ResumedAt))
        {
            return DestinationWrite.Done;
        }
        var resumedAt = ResumeTime(now, state.DisabledAt);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE destinations SET paused = false, resumed_at = @resumedAt, updated_at = @now WHERE id = @id",
            new { id, resumedAt, now }, transaction, cancellationToken: cancellationToken));
        await RecordResumeAsync(connection, transaction, id, actor, state.Paused, state.DisabledAt, resumedAt, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DestinationWrite.Done;
    }

    /// <summary>
    /// Replaces the signing secret. The one it replaces keeps signing until <paramref name="previousValidUntil"/>;
    /// when that is null it is dropped at once, so no reading of a missing expiry can keep a retired secret alive.
    /// </summary>
    public async Task<DestinationWrite> RotateSecretAsync(
        Guid id, string encryptedSecret, DateTime? previousValidUntil, string actor, object auditDetails, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rotated = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE destinations
            SET previous_signing_secret = CASE WHEN @keepPrevious THEN signing_secret END,
                previous_secret_expires_at = @previousValidUntil,
                signing_secret = @encryptedSecret,
                updated_at = @now
            WHERE id = @id AND deleted_at IS NULL
            """,
            new { id, keepPrevious = previousValidUntil is not null, previousValidUntil, encryptedSecret, now }, transaction, cancellationToken: cancellationToken));
        if (rotated == 0)
        {
            return DestinationWrite.NotFound;
        }
        await AuditAsync(connection, transaction, id, "destination.secret_rotated", actor, auditDetails, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return DestinationWrite.Done;
    }

    /// <summary>
    /// The resume time: now, or the automatic disable's own time if that is later (Delivery.Worker's clock may run
    /// ahead of this one), since a resume must lift the disable it was asked to lift.
    /// </summary>
    private static DateTimeOffset ResumeTime(DateTimeOffset now, DateTime? disabledAt) =>
        disabledAt is { } at && new DateTimeOffset(at, TimeSpan.Zero) > now ? new DateTimeOffset(at, TimeSpan.Zero) : now;

    private async Task RecordResumeAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string actor, bool wasPaused, DateTime? disabledAt, DateTimeOffset resumedAt,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await AuditAsync(connection, transaction, id, "destination.resumed", actor, new { wasPaused, liftedDisableAt = disabledAt, resumedAt }, now, cancellationToken);
        var outbox = OutboxEntry.For(new Relay.Contracts.DestinationResumed(id, actor, resumedAt));
        await connection.ExecuteAsync(new CommandDefinition(OutboxEntry.InsertSql, outbox, transaction, cancellationToken: cancellationToken));
    }

    private Task AuditAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, string action, string actor, object details, DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            AuditSql, new { Id = id, Action = action, Actor = actor, Details = Json(details), Now = now, ApiKeyId = actingKey.Id }, transaction, cancellationToken: cancellationToken));

    private static string Json(object value) => JsonSerializer.Serialize(value, JsonSerializerOptions.Web);

    private sealed record DeletionTarget(bool IsDefault, Guid IntegrationId);

    private sealed record PauseState(bool Paused, DateTime? ResumedAt, DateTime? DisabledAt);

    // Classes with properties rather than positional records: Npgsql reports array columns as System.Array, which
    // Dapper's constructor matching does not take for string[] or int[].
    private sealed class StoredRow
    {
        public bool IsDefault { get; init; }
        public DateTime? ResumedAt { get; init; }
        public DateTime? DisabledAt { get; init; }
        public string? Url { get; init; }
        public string? Description { get; init; }
        public string[] EventTypes { get; init; } = [];
        public string? PayloadFilter { get; init; }
        public string Headers { get; init; } = "{}";
        public int? TimeoutSeconds { get; init; }
        public int? MaxAttempts { get; init; }
        public int[]? RetryScheduleMs { get; init; }
        public int RetryJitterPercent { get; init; }
        public int? MaxRetryDelayMs { get; init; }
        public int? RateLimitPerSecond { get; init; }
        public bool Paused { get; init; }

        public DestinationSettings Settings => new(
            Url, Description, EventTypes, PayloadFilter, Headers, TimeoutSeconds, MaxAttempts, RetryScheduleMs, RetryJitterPercent, MaxRetryDelayMs,
            RateLimitPerSecond, Paused);
    }

    private sealed class DestinationRow
    {
        public Guid Id { get; init; }
        public Guid IntegrationId { get; init; }
        public bool IsDefault { get; init; }
        public string Url { get; init; } = "";
        public string? Description { get; init; }
        public string[] EventTypes { get; init; } = [];
        public string? PayloadFilter { get; init; }
        public string[] HeaderNames { get; init; } = [];
        public int? TimeoutSeconds { get; init; }
        public int? MaxAttempts { get; init; }
        public int[]? RetryScheduleMs { get; init; }
        public int RetryJitterPercent { get; init; }
        public int? MaxRetryDelayMs { get; init; }
        public int? RateLimitPerSecond { get; init; }
        public bool Paused { get; init; }
        public DateTime? ResumedAt { get; init; }
        public int ConsecutiveFailures { get; init; }
        public DateTime? FailingSince { get; init; }
        public DateTime? LastSuccessAt { get; init; }
        public DateTime? LastFailureAt { get; init; }
        public string? LastError { get; init; }
        public DateTime? DisabledAt { get; init; }
        public string? DisabledReason { get; init; }
        public DateTime? CircuitOpenUntil { get; init; }
        public DateTime? SecretRotatedAt { get; init; }
        public DateTime? PreviousValidUntil { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }

        public DestinationView<SigningSecretView> ToView() => new(
            Id, IntegrationId, IsDefault, Url, Description, EventTypes, PayloadFilter, HeaderNames, TimeoutSeconds,
            MaxAttempts is { } attempts ? new RetryPolicy(attempts, RetryScheduleMs, RetryJitterPercent, MaxRetryDelayMs) : null,
            RateLimitPerSecond,
            DestinationStatus.Of(Paused, DisabledAt, ResumedAt),
            DestinationStatus.IsDisabled(DisabledAt, ResumedAt) ? new DestinationDisabledView(DisabledAt!.Value, DisabledReason) : null,
            new DestinationHealthView(ConsecutiveFailures, FailingSince, LastSuccessAt, LastFailureAt, LastError, CircuitOpenUntil),
            new SigningSecretView(SecretRotatedAt, PreviousValidUntil),
            CreatedAt, UpdatedAt);
    }
}
