using Google.Protobuf;
using Microstructures.DevHost.Grpc.Messages;
using Microstructures.TestSupport;

namespace Microstructures.DevHost.Tests.Support;

// ../shared/contract-worker: the host's messages as the real host sends them (JsonFormatter.Default).
internal static class ContractVectors
{
    public static string Folder { get; } = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "contract-worker"));

    public static string Text(string name) => File.ReadAllText(Path.Combine(Folder, name));

    // Strict: a field of the vector that the project's .proto lacks fails the parse.
    public static StreamingMessage Message(string name) => JsonParser.Default.Parse<StreamingMessage>(Text(name));
}
