using Microstructures.Core.Registrations;
using static Microstructures.Functions.Pages.PageLayout;

namespace Microstructures.Functions.Registrations;

// Check-in at the door: the staff hand out a per-event link; the volunteer's phone page posts the
// token read from each attendee's QR code (typed, or scanned where the browser can).
public static class CheckinEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder manage)
    {
        manage.MapGet("/events/{eventId}/checkin-link", GetLinkAsync);
        manage.MapDelete("/events/{eventId}/checkin-link", RevokeLinksAsync);
        app.MapGet("/api/events/{eventId}/checkin", ShowPageAsync);
        app.MapPost("/api/events/{eventId}/checkins", CheckInAsync);
    }

    internal static async Task<IResult> GetLinkAsync(string eventId, CheckinService checkins, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await checkins.GetLinkAsync(eventId, revokePrevious: false, cancellationToken), link => TypedResults.Ok(link));

    // Revokes every link given so far and answers the new one.
    internal static async Task<IResult> RevokeLinksAsync(string eventId, CheckinService checkins, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await checkins.GetLinkAsync(eventId, revokePrevious: true, cancellationToken), link => TypedResults.Ok(link));

    internal static async Task<IResult> CheckInAsync(string eventId, CheckinInput? input, CheckinService checkins, CancellationToken cancellationToken) =>
        RegistrationHttp.Map(await checkins.CheckInAsync(eventId, input, cancellationToken), answer => TypedResults.Ok(answer));

    internal static async Task<IResult> ShowPageAsync(string eventId, string? door, CheckinService checkins, CancellationToken cancellationToken)
    {
        if (!await checkins.IsDoorKeyValidAsync(eventId, door, cancellationToken))
        {
            return Public("Lien d'accueil non valide", "<p class=\"notice danger\">Ce lien d'accueil n'est pas (ou plus) valide : demandez le lien à jour à l'équipe.</p>", StatusCodes.Status404NotFound);
        }
        var body = "<form id=\"checkin-form\"><label for=\"token\">Code d'entrée</label>" +
            "<p class=\"hint\" id=\"token-hint\">Scannez le code QR du participant avec l'appareil photo, ou saisissez le texte du code.</p>" +
            "<input id=\"token\" name=\"token\" type=\"text\" autocomplete=\"off\" autocapitalize=\"off\" spellcheck=\"false\" aria-describedby=\"token-hint\" required>" +
            "<button type=\"submit\">Enregistrer l'arrivée</button> <button type=\"button\" class=\"secondary\" id=\"scan\" hidden>Scanner</button></form>" +
            "<video id=\"camera\" playsinline muted hidden style=\"width:100%;max-width:24rem\"></video>" +
            "<div id=\"result\" role=\"status\" tabindex=\"-1\"></div>";
        var script = "const door=" + System.Text.Json.JsonSerializer.Serialize(door) + ";const form=document.getElementById('checkin-form'),input=document.getElementById('token'),result=document.getElementById('result');" +
            "const esc=v=>String(v??'').replace(/[&<>\"']/g,c=>({'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;',\"'\":'&#39;'}[c]));" +
            "async function send(token){const r=await fetch(location.pathname.replace(/checkin$/,'checkins'),{method:'POST',headers:{'Content-Type':'application/json'},body:JSON.stringify({token,doorKey:door})});" +
            "const b=await r.json().catch(()=>({}));if(r.ok){result.className='notice '+(b.alreadyCheckedIn?'danger':'ok');result.innerHTML=(b.alreadyCheckedIn?'Déjà enregistré·e : ':'Bienvenue : ')+'<strong>'+esc(b.firstName+' '+b.lastName)+'</strong> — '+esc(b.organisation);}" +
            "else{result.className='notice danger';result.textContent=b.detail||Object.values(b.errors||{}).flat().join(' ')||('Erreur '+r.status);}result.focus();input.value='';input.focus();}" +
            "form.addEventListener('submit',e=>{e.preventDefault();if(input.value.trim())send(input.value.trim());});" +
            "if('BarcodeDetector' in window&&navigator.mediaDevices){const b=document.getElementById('scan');b.hidden=false;b.addEventListener('click',async()=>{const v=document.getElementById('camera');" +
            "v.srcObject=await navigator.mediaDevices.getUserMedia({video:{facingMode:'environment'}});v.hidden=false;await v.play();const d=new BarcodeDetector({formats:['qr_code']});let last='';" +
            "setInterval(async()=>{const c=await d.detect(v).catch(()=>[]);if(c.length&&c[0].rawValue!==last){last=c[0].rawValue;send(last);}},400);});}";
        return Public("Accueil des participants", body + "<script type=\"module\">" + script + "</script>");
    }
}
