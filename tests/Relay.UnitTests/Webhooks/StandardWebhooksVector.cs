namespace Relay.UnitTests.Webhooks;

/// <summary>
/// The test vector the Standard Webhooks reference libraries check themselves against (it comes from Svix, whose
/// scheme the specification adopted). The independent StandardWebhooks package reproduces it too.
/// </summary>
internal static class StandardWebhooksVector
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    public const long Timestamp = 1614265330;
    public const string Body = """{"test": 2432232314}""";
    public const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
}
