package gdf

import "fmt"

// EventEnd marks the event type that ends an event: 0x8000 | code.
const EventEnd = 0x8000

// eventNames are the codes of GDF's standard event table (biosig's
// eventcodes.txt) that motor-imagery recordings use.
var eventNames = map[int]string{
	0x0114: "eyes open",
	0x0115: "eyes closed",
	0x0300: "trial start",
	0x0301: "left hand",
	0x0302: "right hand",
	0x0303: "feet",
	0x0304: "tongue",
	0x030D: "feedback onset",
	0x030F: "unknown cue",
	0x0311: "beep",
	0x0312: "fixation cross",
	0x03FF: "rejected trial",
	0x0430: "eye movements",
	0x0431: "horizontal eye movement",
	0x0432: "vertical eye movement",
	0x0433: "eye rotation",
	0x0434: "eye blinks",
	0x7FFE: "new run",
}

// EventName is an event code's name in GDF's standard table ("left hand"
// for 769, "end of left hand" for 0x8000|769), or the code in hexadecimal
// ("0x0123") when the table has no name for it.
func EventName(code int) string {
	if code&EventEnd != 0 && code != EventEnd {
		return "end of " + EventName(code&^EventEnd)
	}
	if n, ok := eventNames[code]; ok {
		return n
	}
	return fmt.Sprintf("0x%04X", code)
}
