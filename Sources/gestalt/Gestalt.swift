@main
struct Gestalt {
    static func main() {}
}
