namespace Microstructures.Functions.Hosting;

// Who may call an HTTP function. Every HTTP function carries exactly one of the markers below on its
// method; FunctionCatalog refuses to start the app otherwise, and tests walk the generated metadata.
public enum FunctionAccess
{
    // Anyone: public pages and APIs, assets, the signed provider webhook.
    Public,

    // The CNRMS staff key (Authorization: Bearer <Admin__ApiKey>), checked before any body is read.
    Staff,

    // A staff page shell under api/manage: served without the key because a browser navigation cannot
    // send it, so it carries no data; its script fetches the data from staff functions with the key.
    StaffPage,

    // An active network key; route ids ({networkId}, {microstructureId}) must belong to its network.
    Network,
}

[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public abstract class FunctionAccessAttribute(FunctionAccess access) : Attribute
{
    public FunctionAccess Access { get; } = access;
}

[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class PublicAccessAttribute() : FunctionAccessAttribute(FunctionAccess.Public);

[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class StaffAccessAttribute() : FunctionAccessAttribute(FunctionAccess.Staff);

[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class StaffPageAttribute() : FunctionAccessAttribute(FunctionAccess.StaffPage);

[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAccessAttribute() : FunctionAccessAttribute(FunctionAccess.Network);

// Successful staff changes through this function go to the audit trail of the {eventId} in its route.
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class AuditEventAttribute : Attribute;
