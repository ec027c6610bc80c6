package gen

// Value lists. Names, streets and cities are common public words; every
// number is generated (see numbers.go).

var firstNames = map[string][]string{
	"en": {"James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "David", "Sarah", "Chris", "Emily", "Daniel", "Jessica", "Kevin", "Ashley", "Priya", "Mohammed", "Wei", "Aisha", "Liam", "Olivia", "Noah", "Emma", "Tom", "Kate", "Ben", "Zoe", "Raj", "Mei"},
	"es": {"María", "José", "Lucía", "Javier", "Carmen", "Alejandro", "Sofía", "Diego", "Valentina", "Pablo", "Martina", "Sergio", "Ana", "Álvaro", "Paula", "Andrés", "Camila", "Jorge", "Elena", "Raúl", "Marta", "Iñaki", "Nuria", "Rocío", "Joaquín", "Begoña", "Luis", "Inés", "Mateo", "Ximena"},
}

var lastNames = map[string][]string{
	"en": {"Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Taylor", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Patel", "Khan", "Nguyen", "O'Brien", "Murphy", "Cooper", "Reed", "Bailey", "Kelly"},
	"es": {"García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Navarro", "Torres", "Domínguez", "Gil", "Vázquez", "Serrano", "Ramos"},
}

var streets = map[string][]string{
	"en": {"Main", "Oak", "Maple", "Cedar", "Elm", "Washington", "Lake", "Hill", "Park", "Pine", "High", "Church", "Station", "Victoria", "Mill"},
	"es": {"Mayor", "Real", "del Carmen", "de la Paz", "San Juan", "Gran Vía", "de Alcalá", "Colón", "del Sol", "Nueva", "de Goya", "Serrano", "Reforma", "Corrientes", "de Cervantes"},
}

var streetTypes = map[string][]string{
	"en": {"St", "Street", "Ave", "Avenue", "Rd", "Road", "Lane", "Blvd"},
	"es": {"Calle", "C/", "Avenida", "Av.", "Paseo", "Plaza"},
}

var cities = map[string][]string{
	"en": {"London", "Manchester", "New York", "Chicago", "Boston", "Austin", "Seattle", "Toronto", "Dublin", "Sydney", "Denver", "Miami"},
	"es": {"Madrid", "Barcelona", "Sevilla", "Valencia", "Bilbao", "Málaga", "Zaragoza", "Ciudad de México", "Buenos Aires", "Bogotá", "Lima", "Santiago"},
}

var months = map[string][]string{
	"en": {"jan", "feb", "march", "april", "may", "june", "july", "aug", "sept", "oct", "nov", "dec"},
	"es": {"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
}

var emailDomains = []string{"gmail.com", "hotmail.com", "yahoo.com", "outlook.com", "icloud.com", "proton.me", "yahoo.es", "gmx.de", "live.com.mx"}

// phoneRegions are the countries phone numbers are drawn from, per language.
var phoneRegions = map[string][]string{
	"en": {"US", "GB", "CA", "AU", "IE", "IN", "NG", "ZA", "US", "GB"},
	"es": {"ES", "MX", "AR", "CO", "CL", "PE", "ES", "MX", "US", "VE"},
}

var emoji = []string{"😊", "🙏", "👍", "😂", "❤️", "🙌", "😅", "👋", "🤔", "✅", "🎉", "😢", "🔥", "👀", "🤞🏽"}

// templates use {PERSON}, {FIRST}, {PHONE}, {EMAIL}, {CARD}, {IBAN},
// {ADDRESS}, {CITY} and {DATE}. {FIRST} is labeled PERSON too.
var templates = map[string][]string{
	"en": {
		"hi its {FIRST} here",
		"hey this is {PERSON}, can u call me back",
		"my number is {PHONE}",
		"call me on {PHONE} pls",
		"text {FIRST} at {PHONE} she knows",
		"can u send the invoice to {EMAIL}",
		"my email is {EMAIL} thx",
		"{PERSON} {EMAIL} {PHONE}",
		"name {PERSON}, dob {DATE}",
		"i was born on {DATE}",
		"card is {CARD} exp 09/28",
		"pay with my card {CARD}?",
		"pls transfer to {IBAN} ref order 2231",
		"iban {IBAN} name {PERSON}",
		"deliver to {ADDRESS}, {CITY}",
		"im at {ADDRESS} near the station",
		"moving to {CITY} next week",
		"ok {FIRST} thanks",
		"this is {FIRST}, new phone {PHONE}",
		"send it to {PERSON} at {ADDRESS} {CITY}",
	},
	"es": {
		"hola soy {FIRST}",
		"buenas, soy {PERSON} y quería preguntar algo",
		"mi número es {PHONE}",
		"llámame al {PHONE} porfa",
		"escríbele a {FIRST} al {PHONE}",
		"mándame la factura a {EMAIL}",
		"mi correo es {EMAIL} gracias",
		"{PERSON} {EMAIL} {PHONE}",
		"nombre {PERSON}, nacido el {DATE}",
		"nací el {DATE}",
		"la tarjeta es {CARD} caduca 09/28",
		"puedo pagar con la tarjeta {CARD}?",
		"haz la transferencia a {IBAN} porfa",
		"iban {IBAN} a nombre de {PERSON}",
		"envíalo a {ADDRESS}, {CITY}",
		"estoy en {ADDRESS} al lado del metro",
		"me mudo a {CITY} la semana q viene",
		"vale {FIRST} gracias",
		"soy {FIRST}, nuevo número {PHONE}",
		"mándalo a {PERSON}, {ADDRESS} {CITY}",
	},
}

// chatter are messages without personal data.
var chatter = map[string][]string{
	"en": {
		"what time do u open tmrw?", "ok thanks!!", "is my order ready", "lol ok", "can i change my booking",
		"do u deliver on sundays", "how much is shipping", "sorry wrong chat", "yes pls", "no thats fine",
		"where is my package??", "can i pay cash", "the app isnt working", "order 4471 hasnt arrived", "see u at 5",
		"do you have it in blue", "cancel pls", "hello?", "thx a lot", "i'll be 10 min late",
	},
	"es": {
		"a q hora abren mañana?", "vale gracias!!", "ya está listo mi pedido?", "jajaja ok", "puedo cambiar la reserva",
		"hacen envíos el domingo?", "cuánto cuesta el envío", "perdón me equivoqué de chat", "sí porfa", "no, así está bien",
		"dónde está mi paquete??", "puedo pagar en efectivo", "la app no funciona", "el pedido 4471 no ha llegado", "nos vemos a las 5",
		"lo tienen en azul?", "cancela porfa", "hola?", "mil gracias", "llego 10 min tarde",
	},
}
